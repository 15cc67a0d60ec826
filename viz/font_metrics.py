"""Writes viz/font_metrics.h: Liberation Sans Regular's advance widths and
pair adjustments (kerning), in font units, for the characters the pictures'
boxes use, as HarfBuzz shapes them (the shaper pango and so Graphviz's pango
plugin use). viz/textlayout.c measures text from it instead of starting
fontconfig and pango for every SVG; tests/test_textlayout.c checks the result
against the pango plugin itself, character by character and pair by pair.

Run by hand when the covered characters or the font change (it needs only
Python and the libharfbuzz.so.0 that pango depends on):

    python3 viz/font_metrics.py /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf viz/font_metrics.h
"""
import ctypes
import sys

# The characters measured here; anything else goes to pango. Letters, digits,
# punctuation, Latin-1 and the symbols captions and labels use: one script
# (Latin) and the common characters. Not Greek: pango shapes a Greek run with
# the font's Greek kerning, which differs for the common characters within it
# ("11"), and a pair table cannot say which run a pair falls in. No combining
# marks, no format characters (soft hyphen, zero widths): they depend on their
# neighbours.
COVERED = (
    list(range(0x20, 0x7F)) + [c for c in range(0xA0, 0x100) if c != 0xAD] +
    [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2032,
     0x2190, 0x2191, 0x2192, 0x2193, 0x2202, 0x2206, 0x2207, 0x2211, 0x2212,
     0x221A, 0x221E, 0x2248, 0x2260, 0x2264, 0x2265])


def is_latin(c):
    """Whether c is of the Latin script (Unicode's Script property) among the
    covered characters; the rest are common (digits, signs, spaces, µ)."""
    return (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or c in (0xAA, 0xBA) or
            (0xC0 <= c <= 0xFF and c not in (0xD7, 0xF7)))


class Position(ctypes.Structure):
    _fields_ = [('x_advance', ctypes.c_int32), ('y_advance', ctypes.c_int32),
                ('x_offset', ctypes.c_int32), ('y_offset', ctypes.c_int32),
                ('var', ctypes.c_uint32)]


def load(path):
    hb = ctypes.CDLL('libharfbuzz.so.0')
    hb.hb_blob_create_from_file.restype = ctypes.c_void_p
    hb.hb_face_create.restype = ctypes.c_void_p
    hb.hb_face_create.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    hb.hb_font_create.restype = ctypes.c_void_p
    hb.hb_font_create.argtypes = [ctypes.c_void_p]
    hb.hb_face_get_upem.argtypes = [ctypes.c_void_p]
    hb.hb_font_get_nominal_glyph.argtypes = [ctypes.c_void_p, ctypes.c_uint32,
                                             ctypes.POINTER(ctypes.c_uint32)]
    hb.hb_font_get_h_extents.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    hb.hb_buffer_create.restype = ctypes.c_void_p
    hb.hb_buffer_add_utf8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.c_uint, ctypes.c_int]
    hb.hb_buffer_guess_segment_properties.argtypes = [ctypes.c_void_p]
    hb.hb_buffer_set_script.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    hb.hb_buffer_destroy.argtypes = [ctypes.c_void_p]
    hb.hb_buffer_clear_contents.argtypes = [ctypes.c_void_p]
    hb.hb_shape.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
    hb.hb_buffer_get_glyph_positions.restype = ctypes.POINTER(Position)
    hb.hb_buffer_get_glyph_positions.argtypes = [ctypes.c_void_p,
                                                 ctypes.POINTER(ctypes.c_uint)]
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, 0)
    font = hb.hb_font_create(face)  # scale = units per em: positions in font units
    return hb, face, font


LATIN = 0x4C61746E   # HB_SCRIPT_LATIN, 'Latn'
COMMON = 0x5A797979  # HB_SCRIPT_COMMON, 'Zyyy'


def shape(hb, font, buf, text, script):
    """The x advances of text's glyphs, in font units (one per glyph; offsets
    move a glyph without changing the width), shaped as a run of script."""
    hb.hb_buffer_clear_contents(buf)
    data = text.encode('utf-8')
    hb.hb_buffer_add_utf8(buf, data, len(data), 0, len(data))
    hb.hb_buffer_set_script(buf, script)
    hb.hb_buffer_guess_segment_properties(buf)
    hb.hb_shape(font, buf, None, 0)
    n = ctypes.c_uint()
    pos = hb.hb_buffer_get_glyph_positions(buf, ctypes.byref(n))
    return [pos[i].x_advance for i in range(n.value)]


def main(argv):
    font_path, output = argv[1], argv[2]
    hb, face, font = load(font_path)
    upem = hb.hb_face_get_upem(face)
    extents = (ctypes.c_int32 * 12)()  # hb_font_extents_t: ascender, descender, line gap, 9 reserved
    hb.hb_font_get_h_extents(font, extents)
    buf = hb.hb_buffer_create()
    glyph = ctypes.c_uint32()
    chars = [c for c in COVERED if hb.hb_font_get_nominal_glyph(font, c, ctypes.byref(glyph))]
    advance = {}
    for c in chars:
        a = shape(hb, font, buf, chr(c), LATIN)
        assert a and len(a) == 1, hex(c)
        advance[c] = a[0]
    # Pango shapes text with a letter as one Latin run and text of common
    # characters only (digits, signs) as a common run; the font kerns some
    # pairs differently in the two ("11" only in the common run).
    common = [c for c in chars if not is_latin(c)]
    kerns = {LATIN: [], COMMON: []}
    for script, firsts in ((LATIN, chars), (COMMON, common)):
        for a in firsts:
            for b in (chars if script == LATIN else common):
                got = shape(hb, font, buf, chr(a) + chr(b), script)
                # A ligature would make one glyph of two: a pair table cannot
                # say which strings have it, so such a font needs another way.
                assert len(got) == 2, f'{a:04X} {b:04X} is a ligature'
                if got[0] != advance[a] or got[1] != advance[b]:
                    kerns[script].append((a, b, got[0] - advance[a], got[1] - advance[b]))
    hb.hb_buffer_destroy(buf)
    lines = [
        '/* Generated by viz/font_metrics.py from LiberationSans-Regular.ttf: do not edit.',
        ' * Font units; see viz/textlayout.c. */',
        f'#define FONT_UNITS_PER_EM {upem}',
        f'#define FONT_ASCENDER {extents[0]}',
        '',
        '/* Every covered character, its advance and whether it is a Latin letter',
        ' * (else common: digits, signs, spaces), by code point. */',
        'static const struct font_advance {',
        '    uint16_t code, advance;',
        '    uint8_t latin;',
        '} font_advances[] = {',
    ]
    lines += [f'    {{0x{c:04X}, {advance[c]}, {int(is_latin(c))}}},' for c in chars]
    lines += ['};', '',
              '/* Pairs whose advances HarfBuzz adjusts (kerning; the font splits some',
              ' * pairs\' kerning between the two glyphs), by code points: in a run with',
              ' * a letter (Latin), and in a run of common characters only. */',
              'struct font_kern {',
              '    uint16_t first, second;',
              '    int16_t first_adjust, second_adjust;',
              '};']
    for script, name in ((LATIN, 'font_kerns_latin'), (COMMON, 'font_kerns_common')):
        lines += [f'static const struct font_kern {name}[] = {{']
        lines += [f'    {{0x{a:04X}, 0x{b:04X}, {k1}, {k2}}},' for a, b, k1, k2 in kerns[script]]
        lines += ['};']
    lines += ['']
    with open(output, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    print(f'{len(chars)} characters, {len(kerns[LATIN])} kerning pairs in Latin runs, '
          f'{len(kerns[COMMON])} in common ones')


if __name__ == '__main__':
    main(sys.argv)
