/* file.h — opening data and script files for reading. */
#ifndef NN_FILE_H
#define NN_FILE_H

/* Opens PATH read-only if it is a regular file and returns the descriptor (blocking
 * reads, close-on-exec). Otherwise returns -1 and sets *why to a static phrase:
 * "it is a folder", "not a regular file (a device, pipe or socket)" or strerror(errno).
 * The open itself never blocks, so a FIFO with no writer is refused at once instead of
 * hanging, and a device such as /dev/zero is never read without end. */
int rt_open_regular(const char *path, const char **why);
/* The POSIX implementation behind it (the platform seam, platform.h, routes the call). */
int rt_open_regular_posix(const char *path, const char **why);

/* strerror(err) in the message language (i18n.h): glibc's own text in English, the
 * catalogue's for the errors a file operation commonly meets (ENOENT, EACCES, ENOSPC …)
 * in Chinese. nn never calls setlocale, so strerror alone would stay English. */
const char *rt_strerror(int err);

#endif
