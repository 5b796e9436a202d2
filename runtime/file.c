/* file.c — opening files for reading: regular files only, without blocking. */
#include "file.h"
#include "platform.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_open_regular(const char *path, const char **why) { return pf_get()->open_regular(path, why); }

int rt_open_regular_posix(const char *path, const char **why) {
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *why = strerror(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = strerror(errno);
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    bool dir = S_ISDIR(st.st_mode);
    *why = dir ? "it is a folder" : "not a regular file (a device, pipe or socket)";
    close(fd);
    return dir ? -2 : -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
    *why = strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}
