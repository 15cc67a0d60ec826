/* MG_API marks the public symbols of the micrograd libraries; everything else
 * is built with hidden visibility. */
#ifndef MICROGRAD_EXPORT_H
#define MICROGRAD_EXPORT_H

#if defined(MG_BUILDING_LIBRARY) && defined(__GNUC__)
#define MG_API __attribute__((visibility("default")))
#else
#define MG_API
#endif

#endif
