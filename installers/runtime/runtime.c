/*
 * AppImage type-2 runtime of the counter workstation.
 *
 * An AppImage is this program (a static ELF executable) followed by a squashfs image of the
 * AppDir. Run, it mounts the image read-only with FUSE (libfuse3 through squashfuse's
 * low-level operations) on a temporary folder and executes AppRun from it; the mount goes
 * away when AppRun and every process holding the keep-alive pipe have ended. Where FUSE
 * is missing (no /dev/fuse, no fusermount3, a container), or with APPIMAGE_EXTRACT_AND_RUN=1,
 * it extracts the image to a temporary folder instead, runs AppRun from there and removes
 * the folder afterwards.
 *
 * Built from Debian's packages only (libsquashfuse-dev, libfuse3-dev, the compression
 * libraries), linked statically so it runs on any x86-64 Linux; installers/appimage.py
 * builds it and stamps the magic bytes "AI\2" at offset 8 of the ELF header.
 *
 * Sections read by tools: .upd_info (update information), .sha256_sig (armored OpenPGP
 * signature of the SHA-256 of the file with .sha256_sig and .sig_key zeroed), .sig_key
 * (the signer's armored public key), .appimage (what this runtime is).
 */

#define _GNU_SOURCE
#include <squashfuse/ll.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNTIME_VERSION "1"

char appimage_info[128] __attribute__((section(".appimage"), used)) =
    "AppImage type 2 runtime of counter-workstation, version " RUNTIME_VERSION;
char appimage_upd_info[1024] __attribute__((section(".upd_info"), used)) = {0};
char appimage_sha256_sig[1024] __attribute__((section(".sha256_sig"), used)) = {0};
char appimage_sig_key[8192] __attribute__((section(".sig_key"), used)) = {0};

static const char *appimage_path;
static off_t fs_offset;

static void die(const char *what) {
    fprintf(stderr, "AppImage runtime: %s: %s\n", what, strerror(errno));
    exit(EXIT_FAILURE);
}

/* The squashfs starts where the ELF ends: after the section header table. */
static off_t elf_size(const char *path) {
    Elf64_Ehdr header;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(path);
    if (pread(fd, &header, sizeof(header), 0) != sizeof(header)) die("reading the ELF header");
    close(fd);
    if (memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "AppImage runtime: %s is not a 64-bit ELF file\n", path);
        exit(EXIT_FAILURE);
    }
    return (off_t)(header.e_shoff + (off_t)header.e_shentsize * header.e_shnum);
}

static void print_section(const char *text, size_t size) {
    size_t length = strnlen(text, size);
    if (length) printf("%.*s\n", (int)length, text);
}

static int open_image(sqfs *fs) {
    if (sqfs_open_image(fs, appimage_path, (size_t)fs_offset) != SQFS_OK) {
        fprintf(stderr, "AppImage runtime: no squashfs image at offset %lld of %s\n",
                (long long)fs_offset, appimage_path);
        return -1;
    }
    return 0;
}

/* --- extraction ------------------------------------------------------------------------ */

static int make_parents(char *path) {
    for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        int failed = mkdir(path, 0755) != 0 && errno != EEXIST;
        *slash = '/';
        if (failed) return -1;
    }
    return 0;
}

static int extract_file(sqfs *fs, sqfs_inode *inode, const char *dest) {
    static char buffer[1 << 17];
    int fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    off_t done = 0, total = (off_t)inode->xtra.reg.file_size;
    while (done < total) {
        sqfs_off_t size = total - done < (off_t)sizeof(buffer) ? total - done : (off_t)sizeof(buffer);
        if (sqfs_read_range(fs, inode, done, &size, buffer) != SQFS_OK || size <= 0) {
            close(fd);
            errno = EIO;
            return -1;
        }
        for (char *at = buffer; at < buffer + size;) {
            ssize_t written = write(fd, at, (size_t)(buffer + size - at));
            if (written < 0) {
                close(fd);
                return -1;
            }
            at += written;
        }
        done += size;
    }
    return close(fd);
}

/* Extracts every entry (or those matching `pattern`) under `target`; 0 on success. */
static int extract(const char *target, const char *pattern, int verbose) {
    sqfs fs;
    if (open_image(&fs) != 0) return -1;
    sqfs_traverse trv;
    sqfs_err err = sqfs_traverse_open(&trv, &fs, sqfs_inode_root(&fs));
    if (err != SQFS_OK) return -1;
    if (mkdir(target, 0755) != 0 && errno != EEXIST) die(target);
    int failures = 0;
    char dest[PATH_MAX];
    while (sqfs_traverse_next(&trv, &err)) {
        if (trv.dir_end) continue;
        if (pattern && fnmatch(pattern, trv.path, FNM_PATHNAME | FNM_LEADING_DIR) != 0) continue;
        if (snprintf(dest, sizeof(dest), "%s/%s", target, trv.path) >= (int)sizeof(dest)) {
            failures++;
            continue;
        }
        sqfs_inode inode;
        if (sqfs_inode_get(&fs, &inode, trv.entry.inode) != SQFS_OK || make_parents(dest) != 0) {
            failures++;
            continue;
        }
        if (verbose) printf("%s\n", dest);
        mode_t mode = inode.base.mode & 07777;
        int result = 0;
        switch (inode.base.inode_type) {
        case SQUASHFS_DIR_TYPE:
        case SQUASHFS_LDIR_TYPE:
            result = (mkdir(dest, 0700) != 0 && errno != EEXIST) ? -1 : chmod(dest, mode | S_IRWXU);
            break;
        case SQUASHFS_REG_TYPE:
        case SQUASHFS_LREG_TYPE:
            unlink(dest);
            result = extract_file(&fs, &inode, dest) != 0 ? -1 : chmod(dest, mode);
            break;
        case SQUASHFS_SYMLINK_TYPE:
        case SQUASHFS_LSYMLINK_TYPE: {
            char link[PATH_MAX];
            size_t size = sizeof(link);
            unlink(dest);
            result = (sqfs_readlink(&fs, &inode, link, &size) != SQFS_OK) ? -1 : symlink(link, dest);
            break;
        }
        default: /* devices, fifos and sockets have no place in an AppDir */
            break;
        }
        if (result != 0) {
            fprintf(stderr, "AppImage runtime: cannot extract %s: %s\n", dest, strerror(errno));
            failures++;
        }
    }
    sqfs_traverse_close(&trv);
    sqfs_destroy(&fs);
    if (err != SQFS_OK) {
        fprintf(stderr, "AppImage runtime: the squashfs image is damaged\n");
        return -1;
    }
    return failures ? -1 : 0;
}

/* --- running AppRun -------------------------------------------------------------------- */

static void set_environment(const char *appdir, const char *argv0) {
    char cwd[PATH_MAX];
    setenv("APPIMAGE", appimage_path, 1);
    setenv("APPDIR", appdir, 1);
    setenv("ARGV0", argv0, 1);
    if (getcwd(cwd, sizeof(cwd))) setenv("OWD", cwd, 1);
}

static void exec_apprun(const char *appdir, int argc, char *argv[]) {
    char apprun[PATH_MAX];
    snprintf(apprun, sizeof(apprun), "%s/AppRun", appdir);
    char **args = calloc((size_t)argc + 1, sizeof(char *));
    if (!args) die("memory");
    args[0] = apprun;
    for (int i = 1; i < argc; i++) args[i] = argv[i];
    set_environment(appdir, argv[0]);
    execv(apprun, args);
    die(apprun);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static pid_t child_pid;

static void forward_signal(int sig) {
    if (child_pid > 0) kill(child_pid, sig);
}

static int extract_and_run(int argc, char *argv[]) {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char appdir[PATH_MAX];
    snprintf(appdir, sizeof(appdir), "%s/appimage_extracted_XXXXXX", base);
    if (!mkdtemp(appdir)) die("creating a folder to extract into");
    if (extract(appdir, NULL, 0) != 0) {
        nftw(appdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return EXIT_FAILURE;
    }
    child_pid = fork();
    if (child_pid < 0) die("fork");
    if (child_pid == 0) exec_apprun(appdir, argc, argv);
    signal(SIGINT, forward_signal);
    signal(SIGTERM, forward_signal);
    signal(SIGHUP, forward_signal);
    int status = 0;
    while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!getenv("APPIMAGE_EXTRACT_AND_RUN_NO_CLEANUP")) nftw(appdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* --- mounting -------------------------------------------------------------------------- */

/* The FUSE server: serves requests until every holder of the keep-alive pipe is gone. */
static void serve(const char *mountpoint, int ready, int keepalive) {
    sqfs_ll *ll = sqfs_ll_open(appimage_path, (size_t)fs_offset);
    char status = 1;
    if (!ll) {
        if (write(ready, &status, 1) < 0) _exit(EXIT_FAILURE);
        _exit(EXIT_FAILURE);
    }
    struct fuse_lowlevel_ops ops;
    memset(&ops, 0, sizeof(ops));
    ops.getattr = sqfs_ll_op_getattr;
    ops.opendir = sqfs_ll_op_opendir;
    ops.releasedir = sqfs_ll_op_releasedir;
    ops.readdir = sqfs_ll_op_readdir;
    ops.lookup = sqfs_ll_op_lookup;
    ops.open = sqfs_ll_op_open;
    ops.create = sqfs_ll_op_create;
    ops.release = sqfs_ll_op_release;
    ops.read = sqfs_ll_op_read;
    ops.readlink = sqfs_ll_op_readlink;
    ops.listxattr = sqfs_ll_op_listxattr;
    ops.getxattr = sqfs_ll_op_getxattr;
    ops.forget = sqfs_ll_op_forget;
    ops.statfs = stfs_ll_op_statfs;

    char *fuse_argv[] = {"appimage", "-o", "ro,fsname=appimage,subtype=appimage", NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);
    sqfs_ll_chan channel;
    /* libfuse prints why a mount fails; the caller falls back to extracting, quietly. */
    int saved_stderr = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
    if (!getenv("APPIMAGE_DEBUG") && devnull >= 0) dup2(devnull, STDERR_FILENO);
    int mounted = sqfs_ll_mount(&channel, mountpoint, &args, &ops, sizeof(ops), ll) == SQFS_OK;
    dup2(saved_stderr, STDERR_FILENO);
    status = mounted ? 0 : 1;
    if (write(ready, &status, 1) < 0 || !mounted) _exit(EXIT_FAILURE);
    close(ready);

    struct fuse_buf buffer = {0};
    struct pollfd fds[2] = {{fuse_session_fd(channel.session), POLLIN, 0}, {keepalive, POLLIN, 0}};
    while (!fuse_session_exited(channel.session)) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents) break; /* every holder of the write end has ended */
        if (fds[0].revents & POLLIN) {
            int received = fuse_session_receive_buf(channel.session, &buffer);
            if (received == -EINTR || received == -EAGAIN) continue;
            if (received <= 0) break;
            fuse_session_process_buf(channel.session, &buffer);
        } else if (fds[0].revents) {
            break;
        }
    }
    free(buffer.mem);
    sqfs_ll_unmount(&channel, mountpoint);
    rmdir(mountpoint);
    _exit(EXIT_SUCCESS);
}

/* Mounts the image; returns the keep-alive pipe's write end, or -1 if FUSE is not usable. */
static int mount_image(char *mountpoint, size_t size) {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(mountpoint, size, "%s/.mount_counter-XXXXXX", base);
    if (!mkdtemp(mountpoint)) return -1;
    int ready[2], keepalive[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe(keepalive) != 0) die("pipe");
    fcntl(keepalive[0], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(ready[0]);
        close(keepalive[1]);
        setsid();
        if (fork() != 0) _exit(EXIT_SUCCESS); /* the server is adopted by init, not by AppRun */
        if (chdir("/") != 0) _exit(EXIT_FAILURE);
        serve(mountpoint, ready[1], keepalive[0]);
    }
    close(ready[1]);
    close(keepalive[0]);
    waitpid(pid, NULL, 0);
    char status = 1;
    ssize_t got = read(ready[0], &status, 1);
    close(ready[0]);
    if (got != 1 || status != 0) {
        close(keepalive[1]);
        rmdir(mountpoint);
        return -1;
    }
    return keepalive[1];
}

static int mount_and_wait(void) {
    char mountpoint[PATH_MAX];
    if (mount_image(mountpoint, sizeof(mountpoint)) < 0) {
        fprintf(stderr, "AppImage runtime: cannot mount with FUSE (is fusermount3 installed and "
                        "/dev/fuse usable?); use --appimage-extract instead\n");
        return EXIT_FAILURE;
    }
    printf("%s\n", mountpoint);
    fflush(stdout);
    fprintf(stderr, "Mounted; press Ctrl+C (or close standard input) to unmount.\n");
    char byte;
    while (read(STDIN_FILENO, &byte, 1) > 0) {
    }
    return EXIT_SUCCESS; /* the keep-alive pipe closes with us, and the server unmounts */
}

/* --- command line ---------------------------------------------------------------------- */

static void usage(void) {
    printf("AppImage options (the program's own options are passed through):\n"
           "  --appimage-extract [PATTERN]  extract the contents (or entries matching PATTERN)\n"
           "                                to ./squashfs-root\n"
           "  --appimage-extract-and-run …  run without FUSE: extract to a temporary folder,\n"
           "                                run, remove (also APPIMAGE_EXTRACT_AND_RUN=1)\n"
           "  --appimage-mount              mount the contents and print where, until stdin closes\n"
           "  --appimage-offset             print the offset of the squashfs image\n"
           "  --appimage-signature          print the embedded OpenPGP signature\n"
           "  --appimage-updateinformation  print the embedded update information\n"
           "  --appimage-version            print this runtime's version\n"
           "  --appimage-help               this help\n");
}

int main(int argc, char *argv[]) {
    static char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (length < 0) die("/proc/self/exe");
    self[length] = '\0';
    appimage_path = self;
    fs_offset = elf_size(self);

    const char *option = argc > 1 ? argv[1] : "";
    if (strncmp(option, "--appimage-", 11) == 0) {
        if (!strcmp(option, "--appimage-help")) {
            usage();
        } else if (!strcmp(option, "--appimage-version")) {
            printf("%s\n", appimage_info);
        } else if (!strcmp(option, "--appimage-offset")) {
            printf("%lld\n", (long long)fs_offset);
        } else if (!strcmp(option, "--appimage-signature")) {
            print_section(appimage_sha256_sig, sizeof(appimage_sha256_sig));
        } else if (!strcmp(option, "--appimage-updateinformation")) {
            print_section(appimage_upd_info, sizeof(appimage_upd_info));
        } else if (!strcmp(option, "--appimage-extract")) {
            return extract("squashfs-root", argc > 2 ? argv[2] : NULL, 1) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        } else if (!strcmp(option, "--appimage-extract-and-run")) {
            argv[1] = argv[0];
            return extract_and_run(argc - 1, argv + 1);
        } else if (!strcmp(option, "--appimage-mount")) {
            return mount_and_wait();
        } else {
            fprintf(stderr, "AppImage runtime: unknown option %s\n", option);
            usage();
            return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
    }

    const char *forced = getenv("APPIMAGE_EXTRACT_AND_RUN");
    if (forced && strcmp(forced, "0") != 0) return extract_and_run(argc, argv);
    char mountpoint[PATH_MAX];
    int keepalive = mount_image(mountpoint, sizeof(mountpoint));
    if (keepalive < 0) return extract_and_run(argc, argv); /* no FUSE here */
    exec_apprun(mountpoint, argc, argv); /* AppRun and its children hold the keep-alive pipe */
    return EXIT_FAILURE;
}
