;; posix_fadvise for Node, through WASI (uvwasi's fd_advise calls posix_fadvise). The host preopens "/"
;; as fd 3; paths are written at PATH_AT in memory, relative to it.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func $fd_advise (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)

  ;; Opens the path of `len` bytes at offset 16 for reading and advising (rights FD_READ | FD_ADVISE),
  ;; following symlinks. Returns the WASI fd, or minus the WASI errno.
  (func (export "open") (param $len i32) (result i32)
    (local $errno i32)
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (local.get $len) (i32.const 0)
        (i64.const 0x82) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $errno) (then (return (i32.sub (i32.const 0) (local.get $errno)))))
    (i32.load (i32.const 0)))

  ;; fd_advise(fd, offset, length, advice); returns the WASI errno.
  (func (export "advise") (param $fd i32) (param $offset i64) (param $length i64) (param $advice i32) (result i32)
    (call $fd_advise (local.get $fd) (local.get $offset) (local.get $length) (local.get $advice)))

  (func (export "close") (param $fd i32) (result i32)
    (call $fd_close (local.get $fd))))
