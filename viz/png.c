/* The pHYs chunk of PNG files: cairo and Graphviz write none, so viewers,
 * slides and word processors would guess the resolution (72 or 96 dpi). */
#include "png.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SIGNATURE_LEN 8
#define IHDR_CHUNK_LEN (4 + 4 + 13 + 4)  /* length, type, data, CRC */
#define PHYS_DATA_LEN 9
#define PHYS_CHUNK_LEN (4 + 4 + PHYS_DATA_LEN + 4)

/* PNG's CRC-32 (ISO 3309, the one zlib computes), bit by bit: a chunk of
 * 13 bytes does not need a table. */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

unsigned long viz_png_ppm(double dpi)
{
    return (unsigned long)lround(dpi / 0.0254);
}

/* The length of the pHYs chunk at p (0 if the chunk there is another). */
static size_t phys_at(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 12 || memcmp(p + 4, "pHYs", 4) != 0)
        return 0;
    size_t n = 12 + (size_t)get_u32(p);
    return n <= (size_t)(end - p) ? n : 0;
}

unsigned char *viz_png_with_dpi(const unsigned char *png, size_t len, double dpi,
                                size_t *out_len)
{
    static const unsigned char signature[SIGNATURE_LEN] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t head = SIGNATURE_LEN + IHDR_CHUNK_LEN;
    if (len < head || memcmp(png, signature, SIGNATURE_LEN) != 0 ||
        get_u32(png + SIGNATURE_LEN) != 13 || memcmp(png + SIGNATURE_LEN + 4, "IHDR", 4) != 0)
        return NULL;
    size_t old = phys_at(png + head, png + len); /* an earlier pHYs is replaced */
    unsigned char *out = malloc(len - old + PHYS_CHUNK_LEN + 1);
    if (!out)
        return NULL;
    memcpy(out, png, head);
    unsigned char *c = out + head;
    uint32_t ppm = (uint32_t)viz_png_ppm(dpi);
    put_u32(c, PHYS_DATA_LEN);
    memcpy(c + 4, "pHYs", 4);
    put_u32(c + 8, ppm);
    put_u32(c + 12, ppm);
    c[16] = 1; /* the unit is the metre */
    put_u32(c + 17, crc32_of(c + 4, 4 + PHYS_DATA_LEN));
    memcpy(c + PHYS_CHUNK_LEN, png + head + old, len - head - old);
    *out_len = len - old + PHYS_CHUNK_LEN;
    out[*out_len] = '\0';
    return out;
}
