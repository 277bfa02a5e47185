;; The byte work of the Reed–Solomon codec in WebAssembly SIMD: multiply input shards by GF(2^8)
;; constants and XOR the products into several output rows at once (wasm-kernel.ts drives it).
;;
;; Multiplying by a constant c is linear over GF(2), so c·x = c·(x & 0x0F) XOR c·(x & 0xF0): two lookups in
;; 16-entry tables, which i8x16.swizzle does for 16 bytes at a time (the split-nibble technique of ISA-L and
;; klauspost/reedsolomon). The tables of coefficient (row r, input j) are 32 bytes: c·0, c·1, …, c·15, then
;; c·0x00, c·0x10, …, c·0xF0.
;;
;; mulN (N = 1..4) computes N output rows in one pass over the inputs, so each input vector is loaded and
;; split into nibbles once for all N rows:
;;   out[r·stride + p] = XOR over j < count of c(r, j)·in[j·stride + p]    for r < N, p < length
;; with the tables of c(r, j) at tables + (j·N + r)·32. `length` is a multiple of 16 (the caller pads) and
;; `count` ≥ 1.
;;
;; Regenerate kernel-wasm.ts after editing: npm run build:wasm
(module
  (memory (export "memory") 1)

  (func (export "mul1")
    (param $tables i32) (param $in i32) (param $count i32) (param $out i32) (param $stride i32) (param $length i32)
    (local $p i32) (local $j i32) (local $t i32) (local $src i32) (local $dst i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $mask v128)
    (local $a0 v128)
    (local.set $mask (i8x16.splat (i32.const 0x0f)))
    (block $done
      (loop $positions
        (br_if $done (i32.ge_u (local.get $p) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $t (local.get $tables))
        (local.set $src (i32.add (local.get $in) (local.get $p)))
        (local.set $j (local.get $count))
        (loop $inputs
          (local.set $v (v128.load (local.get $src)))
          (local.set $lo (v128.and (local.get $v) (local.get $mask)))
          ;; A 16-bit shift moves each byte's high nibble down; the mask drops what crossed from the next byte.
          (local.set $hi (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0) (v128.xor
            (i8x16.swizzle (v128.load offset=0 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=16 (local.get $t)) (local.get $hi)))))
          (local.set $t (i32.add (local.get $t) (i32.const 32)))
          (local.set $src (i32.add (local.get $src) (local.get $stride)))
          (br_if $inputs (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (local.set $dst (i32.add (local.get $out) (local.get $p)))
        (v128.store (local.get $dst) (local.get $a0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $positions))))

  (func (export "mul2")
    (param $tables i32) (param $in i32) (param $count i32) (param $out i32) (param $stride i32) (param $length i32)
    (local $p i32) (local $j i32) (local $t i32) (local $src i32) (local $dst i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $mask v128)
    (local $a0 v128) (local $a1 v128)
    (local.set $mask (i8x16.splat (i32.const 0x0f)))
    (block $done
      (loop $positions
        (br_if $done (i32.ge_u (local.get $p) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $t (local.get $tables))
        (local.set $src (i32.add (local.get $in) (local.get $p)))
        (local.set $j (local.get $count))
        (loop $inputs
          (local.set $v (v128.load (local.get $src)))
          (local.set $lo (v128.and (local.get $v) (local.get $mask)))
          ;; A 16-bit shift moves each byte's high nibble down; the mask drops what crossed from the next byte.
          (local.set $hi (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0) (v128.xor
            (i8x16.swizzle (v128.load offset=0 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=16 (local.get $t)) (local.get $hi)))))
          (local.set $a1 (v128.xor (local.get $a1) (v128.xor
            (i8x16.swizzle (v128.load offset=32 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=48 (local.get $t)) (local.get $hi)))))
          (local.set $t (i32.add (local.get $t) (i32.const 64)))
          (local.set $src (i32.add (local.get $src) (local.get $stride)))
          (br_if $inputs (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (local.set $dst (i32.add (local.get $out) (local.get $p)))
        (v128.store (local.get $dst) (local.get $a0))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a1))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $positions))))

  (func (export "mul3")
    (param $tables i32) (param $in i32) (param $count i32) (param $out i32) (param $stride i32) (param $length i32)
    (local $p i32) (local $j i32) (local $t i32) (local $src i32) (local $dst i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $mask v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128)
    (local.set $mask (i8x16.splat (i32.const 0x0f)))
    (block $done
      (loop $positions
        (br_if $done (i32.ge_u (local.get $p) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $t (local.get $tables))
        (local.set $src (i32.add (local.get $in) (local.get $p)))
        (local.set $j (local.get $count))
        (loop $inputs
          (local.set $v (v128.load (local.get $src)))
          (local.set $lo (v128.and (local.get $v) (local.get $mask)))
          ;; A 16-bit shift moves each byte's high nibble down; the mask drops what crossed from the next byte.
          (local.set $hi (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0) (v128.xor
            (i8x16.swizzle (v128.load offset=0 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=16 (local.get $t)) (local.get $hi)))))
          (local.set $a1 (v128.xor (local.get $a1) (v128.xor
            (i8x16.swizzle (v128.load offset=32 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=48 (local.get $t)) (local.get $hi)))))
          (local.set $a2 (v128.xor (local.get $a2) (v128.xor
            (i8x16.swizzle (v128.load offset=64 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=80 (local.get $t)) (local.get $hi)))))
          (local.set $t (i32.add (local.get $t) (i32.const 96)))
          (local.set $src (i32.add (local.get $src) (local.get $stride)))
          (br_if $inputs (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (local.set $dst (i32.add (local.get $out) (local.get $p)))
        (v128.store (local.get $dst) (local.get $a0))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a1))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a2))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $positions))))

  (func (export "mul4")
    (param $tables i32) (param $in i32) (param $count i32) (param $out i32) (param $stride i32) (param $length i32)
    (local $p i32) (local $j i32) (local $t i32) (local $src i32) (local $dst i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $mask v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $mask (i8x16.splat (i32.const 0x0f)))
    (block $done
      (loop $positions
        (br_if $done (i32.ge_u (local.get $p) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $t (local.get $tables))
        (local.set $src (i32.add (local.get $in) (local.get $p)))
        (local.set $j (local.get $count))
        (loop $inputs
          (local.set $v (v128.load (local.get $src)))
          (local.set $lo (v128.and (local.get $v) (local.get $mask)))
          ;; A 16-bit shift moves each byte's high nibble down; the mask drops what crossed from the next byte.
          (local.set $hi (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0) (v128.xor
            (i8x16.swizzle (v128.load offset=0 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=16 (local.get $t)) (local.get $hi)))))
          (local.set $a1 (v128.xor (local.get $a1) (v128.xor
            (i8x16.swizzle (v128.load offset=32 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=48 (local.get $t)) (local.get $hi)))))
          (local.set $a2 (v128.xor (local.get $a2) (v128.xor
            (i8x16.swizzle (v128.load offset=64 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=80 (local.get $t)) (local.get $hi)))))
          (local.set $a3 (v128.xor (local.get $a3) (v128.xor
            (i8x16.swizzle (v128.load offset=96 (local.get $t)) (local.get $lo))
            (i8x16.swizzle (v128.load offset=112 (local.get $t)) (local.get $hi)))))
          (local.set $t (i32.add (local.get $t) (i32.const 128)))
          (local.set $src (i32.add (local.get $src) (local.get $stride)))
          (br_if $inputs (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (local.set $dst (i32.add (local.get $out) (local.get $p)))
        (v128.store (local.get $dst) (local.get $a0))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a1))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a2))
        (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
        (v128.store (local.get $dst) (local.get $a3))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $positions)))))
