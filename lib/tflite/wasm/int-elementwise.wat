;; Integer elementwise operators with WebAssembly SIMD, on BroadcastPlan's broadcasts (../kernels/broadcast.ts): a
;; module of its own beside int8.wat, importing the same memory (one per interpreter, see WasmHeap in ../wasm-kernels.ts).
;; Written by scripts/int-elementwise-wat.cjs (edit that, not this). Results are those of the JavaScript loops of
;; ../kernels/binary.ts bit for bit (see ../kernels/int-elementwise-simd.ts).
;;
;; ibin(kind, a, b, y, calls, count, rows, inner, aRow, bRow, aStep, bStep, scratch), kind (../kernels/int-elementwise-simd.ts):
;;   0 MAXIMUM INT8
;;   1 MAXIMUM UINT8
;;   2 MAXIMUM INT16
;;   3 MAXIMUM INT32
;;   4 MINIMUM INT8
;;   5 MINIMUM UINT8
;;   6 MINIMUM INT16
;;   7 MINIMUM INT32
;;   8 EQUAL INT32
;;   9 NOT_EQUAL INT32
;;   10 LESS INT32
;;   11 LESS_EQUAL INT32
;;   12 GREATER INT32
;;   13 GREATER_EQUAL INT32
;;   14 EQUAL INT8
;;   15 NOT_EQUAL INT8
;;   16 LESS INT8
;;   17 LESS_EQUAL INT8
;;   18 GREATER INT8
;;   19 GREATER_EQUAL INT8
;;   20 EQUAL UINT8
;;   21 NOT_EQUAL UINT8
;;   22 LESS UINT8
;;   23 LESS_EQUAL UINT8
;;   24 GREATER UINT8
;;   25 GREATER_EQUAL UINT8
;;   26 SQUARED_DIFFERENCE INT32
;;   27 DIV INT32
;;   28 FLOOR_DIV INT32
;; isel(kind, c, a, b, y, calls, count, rows, inner, cRow, aRow, bRow, cStep, aStep, bStep, scratch): SELECT_V2 on
;;   elements of 1, 2, 4 bytes (kind 0, 1, 2); c holds one byte per element.
;; For each of count outer offsets (byte offsets of each input then of y, at calls), rows × inner outputs: per row each
;; input starts at its offset and moves its Row bytes to the next; its Step is the bytes of one vector where it
;; advances with the output inside a row, 0 where the value at the row's start repeats along it. The vector loops
;; read up to 15 bytes past an input's data (the heap keeps slack for that) and never store past the output's.
;; expand(src, dst, n, block, bytes): see there.
;; tab8(a, b, y, calls, count, rows, inner, aRow, bRow, aStep, bStep, table): 8-bit y = table[a × 256 + b] (raw bytes,
;;   steps 1 or 0 per element): the 8-bit comparisons, int8 SQUARED_DIFFERENCE and uint8 DIV, tabulated.
(module
  (import "env" "memory" (memory 1))

  ;; n bytes from src to dst
  (func $copyBytes (param $dst i32) (param $src i32) (param $n i32)
    (loop $byte
      (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (br_if $byte (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func $ibin0 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (i8x16.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i8x16.max_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (i8x16.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin1 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (i8x16.max_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i8x16.max_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (i8x16.max_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.max_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin2 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load16_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load16_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 16)))
          (v128.store (local.get $py) (i16x8.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i16x8.max_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 8)) (then
          (v128.store (local.get $py) (i16x8.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i16x8.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 2)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 2))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin3 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (i32x4.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i32x4.max_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (i32x4.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i32x4.max_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin4 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (i8x16.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i8x16.min_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (i8x16.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin5 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (i8x16.min_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i8x16.min_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (i8x16.min_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.min_u (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin6 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load16_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load16_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 16)))
          (v128.store (local.get $py) (i16x8.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i16x8.min_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 8)) (then
          (v128.store (local.get $py) (i16x8.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i16x8.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 2)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 2))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin7 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (i32x4.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (v128.store offset=16 (local.get $py) (i32x4.min_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (i32x4.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i32x4.min_s (v128.load (local.get $pa)) (v128.load (local.get $pb))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin8 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.eq (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.eq (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.eq (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.eq (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin9 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ne (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ne (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ne (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ne (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin10 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.lt_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin11 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.le_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin12 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.gt_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin13 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store32_lane offset=4 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ge_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 8))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store32_lane 0 (local.get $py) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 4))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.narrow_i16x8_s (local.tee $m (i16x8.narrow_i32x4_s (local.tee $m (i32x4.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $m))) (local.get $m)) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin14 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.eq (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin15 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.ne (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin16 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.lt_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.lt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin17 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.le_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.le_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin18 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.gt_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.gt_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin19 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.ge_s (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.ge_s (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin20 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.eq (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.eq (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin21 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.ne (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.ne (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin22 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.lt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.lt_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.lt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.lt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin23 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.le_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.le_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.le_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.le_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin24 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.gt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.gt_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.gt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.gt_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin25 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.and (i8x16.ge_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (v128.store offset=16 (local.get $py) (v128.and (i8x16.ge_u (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.and (i8x16.ge_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.and (i8x16.ge_u (v128.load (local.get $pa)) (v128.load (local.get $pb))) (v128.const i32x4 0x01010101 0x01010101 0x01010101 0x01010101)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin26 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (i32x4.mul (local.tee $d (i32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $d)))
          (v128.store offset=16 (local.get $py) (i32x4.mul (local.tee $d (i32x4.sub (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))) (local.get $d)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (i32x4.mul (local.tee $d (i32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $d)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i32x4.mul (local.tee $d (i32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $d)))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin27 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (v128.store offset=16 (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=16 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=16 (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=24 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=24 (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $ibin28 (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load offset=0 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 32)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (v128.store offset=16 (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=16 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=16 (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=24 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=24 (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296)))) (i32x4.trunc_sat_f64x2_s_zero (f64x2.sub (local.tee $q (f64x2.floor (f64x2.div (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pa))) (f64x2.convert_low_i32x4_s (v128.load64_zero offset=8 (local.get $pb)))))) (v128.and (f64x2.ge (local.get $q) (v128.const f64x2 2147483648 2147483648)) (v128.const f64x2 4294967296 4294967296))))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func (export "ibin") (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (block $k28 (block $k27 (block $k26 (block $k25 (block $k24 (block $k23 (block $k22 (block $k21 (block $k20 (block $k19 (block $k18 (block $k17 (block $k16 (block $k15 (block $k14 (block $k13 (block $k12 (block $k11 (block $k10 (block $k9 (block $k8 (block $k7 (block $k6 (block $k5 (block $k4 (block $k3 (block $k2 (block $k1 (block $k0
      (br_table $k0 $k1 $k2 $k3 $k4 $k5 $k6 $k7 $k8 $k9 $k10 $k11 $k12 $k13 $k14 $k15 $k16 $k17 $k18 $k19 $k20 $k21 $k22 $k23 $k24 $k25 $k26 $k27 $k28 $k28 (local.get $kind)))
    (call $ibin0 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin1 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin2 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin3 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin4 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin5 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin6 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin7 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin8 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin9 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin10 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin11 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin12 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin13 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin14 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin15 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin16 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin17 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin18 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin19 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin20 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin21 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin22 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin23 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin24 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin25 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin26 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin27 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $ibin28 (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $aRow) (local.get $bRow) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))

  (func $isel0 (param $c i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $cRow i32) (param $aRow i32) (param $bRow i32) (param $cStep i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $rc i32) (local $pc i32) (local $cTwice i32) (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $cTwice (i32.shl (local.get $cStep) (i32.const 1))) (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $rc (i32.add (local.get $c) (i32.load offset=0 (local.get $calls))))
      (local.set $ra (i32.add (local.get $a) (i32.load offset=4 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=8 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=12 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $cStep) (then (local.set $pc (local.get $rc))) (else (local.set $m (v128.load8_splat (local.get $rc))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pc (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load8_splat (local.get $ra))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 32)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load8_splat (local.get $rb))) (v128.store offset=64 (local.get $scratch) (local.get $m)) (v128.store offset=80 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 64)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 32)))
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i8x16.ne (v128.load (local.get $pc)) (v128.const i32x4 0 0 0 0))))
          (v128.store offset=16 (local.get $py) (v128.bitselect (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)) (i8x16.ne (v128.load offset=16 (local.get $pc)) (v128.const i32x4 0 0 0 0))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cTwice))) (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 32)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 16)) (then
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i8x16.ne (v128.load (local.get $pc)) (v128.const i32x4 0 0 0 0))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cStep))) (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i8x16.ne (v128.load (local.get $pc)) (v128.const i32x4 0 0 0 0))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 1)))))
        (local.set $rc (i32.add (local.get $rc) (local.get $cRow))) (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 1))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 16)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $isel1 (param $c i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $cRow i32) (param $aRow i32) (param $bRow i32) (param $cStep i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $rc i32) (local $pc i32) (local $cTwice i32) (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $cTwice (i32.shl (local.get $cStep) (i32.const 1))) (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $rc (i32.add (local.get $c) (i32.load offset=0 (local.get $calls))))
      (local.set $ra (i32.add (local.get $a) (i32.load offset=4 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=8 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=12 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $cStep) (then (local.set $pc (local.get $rc))) (else (local.set $m (v128.load8_splat (local.get $rc))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pc (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load16_splat (local.get $ra))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 32)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load16_splat (local.get $rb))) (v128.store offset=64 (local.get $scratch) (local.get $m)) (v128.store offset=80 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 64)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 16)))
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load64_zero (local.get $pc)) (v128.const i32x4 0 0 0 0)))))
          (v128.store offset=16 (local.get $py) (v128.bitselect (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)) (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load64_zero offset=8 (local.get $pc)) (v128.const i32x4 0 0 0 0)))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cTwice))) (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 16)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 8)) (then
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load64_zero (local.get $pc)) (v128.const i32x4 0 0 0 0)))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cStep))) (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load64_zero (local.get $pc)) (v128.const i32x4 0 0 0 0)))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 2)))))
        (local.set $rc (i32.add (local.get $rc) (local.get $cRow))) (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 2))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 16)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func $isel2 (param $c i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $cRow i32) (param $aRow i32) (param $bRow i32) (param $cStep i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (local $rc i32) (local $pc i32) (local $cTwice i32) (local $ra i32) (local $pa i32) (local $aTwice i32) (local $rb i32) (local $pb i32) (local $bTwice i32) (local $ry i32) (local $py i32) (local $r i32) (local $left i32) (local $m v128) (local $d v128) (local $q v128)
    (local.set $cTwice (i32.shl (local.get $cStep) (i32.const 1))) (local.set $aTwice (i32.shl (local.get $aStep) (i32.const 1))) (local.set $bTwice (i32.shl (local.get $bStep) (i32.const 1)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $rc (i32.add (local.get $c) (i32.load offset=0 (local.get $calls))))
      (local.set $ra (i32.add (local.get $a) (i32.load offset=4 (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=8 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=12 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (if (local.get $cStep) (then (local.set $pc (local.get $rc))) (else (local.set $m (v128.load8_splat (local.get $rc))) (v128.store offset=0 (local.get $scratch) (local.get $m)) (v128.store offset=16 (local.get $scratch) (local.get $m)) (local.set $pc (i32.add (local.get $scratch) (i32.const 0)))))
        (if (local.get $aStep) (then (local.set $pa (local.get $ra))) (else (local.set $m (v128.load32_splat (local.get $ra))) (v128.store offset=32 (local.get $scratch) (local.get $m)) (v128.store offset=48 (local.get $scratch) (local.get $m)) (local.set $pa (i32.add (local.get $scratch) (i32.const 32)))))
        (if (local.get $bStep) (then (local.set $pb (local.get $rb))) (else (local.set $m (v128.load32_splat (local.get $rb))) (v128.store offset=64 (local.get $scratch) (local.get $m)) (v128.store offset=80 (local.get $scratch) (local.get $m)) (local.set $pb (i32.add (local.get $scratch) (i32.const 64)))))
        (local.set $py (local.get $ry))
        (local.set $left (local.get $inner))
        (block $pairsDone (loop $pairs
          (br_if $pairsDone (i32.lt_s (local.get $left) (i32.const 8)))
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load32_zero (local.get $pc)) (v128.const i32x4 0 0 0 0))))))
          (v128.store offset=16 (local.get $py) (v128.bitselect (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)) (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load32_zero offset=4 (local.get $pc)) (v128.const i32x4 0 0 0 0))))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cTwice))) (local.set $pa (i32.add (local.get $pa) (local.get $aTwice))) (local.set $pb (i32.add (local.get $pb) (local.get $bTwice)))
          (local.set $py (i32.add (local.get $py) (i32.const 32))) (local.set $left (i32.sub (local.get $left) (i32.const 8)))
          (br $pairs)))
        (if (i32.ge_s (local.get $left) (i32.const 4)) (then
          (v128.store (local.get $py) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load32_zero (local.get $pc)) (v128.const i32x4 0 0 0 0))))))
          (local.set $pc (i32.add (local.get $pc) (local.get $cStep))) (local.set $pa (i32.add (local.get $pa) (local.get $aStep))) (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (local.set $py (i32.add (local.get $py) (i32.const 16))) (local.set $left (i32.sub (local.get $left) (i32.const 4)))))
        (if (i32.gt_s (local.get $left) (i32.const 0)) (then
          (v128.store offset=96 (local.get $scratch) (v128.bitselect (v128.load (local.get $pa)) (v128.load (local.get $pb)) (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (i8x16.ne (v128.load32_zero (local.get $pc)) (v128.const i32x4 0 0 0 0))))))
          (call $copyBytes (local.get $py) (i32.add (local.get $scratch) (i32.const 96)) (i32.mul (local.get $left) (i32.const 4)))))
        (local.set $rc (i32.add (local.get $rc) (local.get $cRow))) (local.set $ra (i32.add (local.get $ra) (local.get $aRow))) (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (i32.add (local.get $ry) (i32.mul (local.get $inner) (i32.const 4))))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 16)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))

  (func (export "isel") (param $kind i32) (param $c i32) (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32) (param $cRow i32) (param $aRow i32) (param $bRow i32) (param $cStep i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (block $k2 (block $k1 (block $k0
      (br_table $k0 $k1 $k2 $k2 (local.get $kind)))
    (call $isel0 (local.get $c) (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $cRow) (local.get $aRow) (local.get $bRow) (local.get $cStep) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $isel1 (local.get $c) (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $cRow) (local.get $aRow) (local.get $bRow) (local.get $cStep) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))
    (call $isel2 (local.get $c) (local.get $a) (local.get $b) (local.get $y) (local.get $calls) (local.get $count) (local.get $rows) (local.get $inner) (local.get $cRow) (local.get $aRow) (local.get $bRow) (local.get $cStep) (local.get $aStep) (local.get $bStep) (local.get $scratch)) (return))

  ;; n values of bytes (1, 2, 4) each from src, each repeated over block bytes (at most 64) side by side at dst:
  ;; a value per row widened to rows (see tileShortRows in ../kernels/broadcast.ts); stores up to 15 bytes past the end
  (func (export "expand") (param $src i32) (param $dst i32) (param $n i32) (param $block i32) (param $bytes i32)
    (local $v v128) (local $o i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $row
      (if (i32.eq (local.get $bytes) (i32.const 4))
        (then (local.set $v (v128.load32_splat (local.get $src))))
        (else (if (i32.eq (local.get $bytes) (i32.const 2))
          (then (local.set $v (v128.load16_splat (local.get $src))))
          (else (local.set $v (v128.load8_splat (local.get $src)))))))
      (local.set $o (i32.const 0))
      (loop $fill
        (v128.store (i32.add (local.get $dst) (local.get $o)) (local.get $v))
        (br_if $fill (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $block))))
      (local.set $src (i32.add (local.get $src) (local.get $bytes)))
      (local.set $dst (i32.add (local.get $dst) (local.get $block)))
      (br_if $row (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func (export "tab8") (param $a i32) (param $b i32) (param $y i32) (param $calls i32) (param $count i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $table i32)
    (local $ra i32) (local $rb i32) (local $ry i32) (local $pa i32) (local $pb i32) (local $py i32) (local $end i32) (local $r i32)
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $inner))) (then (return)))
    (loop $call
      (local.set $ra (i32.add (local.get $a) (i32.load (local.get $calls))))
      (local.set $rb (i32.add (local.get $b) (i32.load offset=4 (local.get $calls))))
      (local.set $ry (i32.add (local.get $y) (i32.load offset=8 (local.get $calls))))
      (local.set $r (local.get $rows))
      (loop $row
        (local.set $pa (local.get $ra)) (local.set $pb (local.get $rb)) (local.set $py (local.get $ry))
        (local.set $end (i32.add (local.get $ry) (local.get $inner)))
        (loop $element
          (i32.store8 (local.get $py) (i32.load8_u (i32.add (local.get $table)
            (i32.or (i32.shl (i32.load8_u (local.get $pa)) (i32.const 8)) (i32.load8_u (local.get $pb))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
          (br_if $element (i32.lt_u (local.tee $py (i32.add (local.get $py) (i32.const 1))) (local.get $end))))
        (local.set $ra (i32.add (local.get $ra) (local.get $aRow)))
        (local.set $rb (i32.add (local.get $rb) (local.get $bRow)))
        (local.set $ry (local.get $end))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $calls (i32.add (local.get $calls) (i32.const 12)))
      (br_if $call (local.tee $count (i32.sub (local.get $count) (i32.const 1))))))
)
