/* file.c — opening files for reading: regular files only, without blocking. */
#include "file.h"
#include "i18n.h"
#include "platform.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_open_regular(const char *path, const char **why) { return pf_get()->open_regular(path, why); }

const char *rt_strerror(int err) {
  /* glibc's texts (the msgids must match them for English to read as before) */
  static const struct {
    int err;
    const char *text;
  } known[] = {
      {ENOENT, N_("No such file or directory")},  {EACCES, N_("Permission denied")},
      {EISDIR, N_("Is a directory")},             {ENOTDIR, N_("Not a directory")},
      {ENOSPC, N_("No space left on device")},    {EROFS, N_("Read-only file system")},
      {ENAMETOOLONG, N_("File name too long")},   {ELOOP, N_("Too many levels of symbolic links")},
      {EIO, N_("Input/output error")},            {EMFILE, N_("Too many open files")},
      {EFBIG, N_("File too large")},              {EPERM, N_("Operation not permitted")},
  };
  if (msg_lang() == MSG_EN) return strerror(err);
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (known[i].err == err) return _(known[i].text);
  return strerror(err);
}

int rt_open_regular_posix(const char *path, const char **why) {
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *why = rt_strerror(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = rt_strerror(errno);
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    bool dir = S_ISDIR(st.st_mode);
    *why = dir ? _("it is a folder") : _("not a regular file (a device, pipe or socket)");
    close(fd);
    return dir ? -2 : -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
    *why = rt_strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}
