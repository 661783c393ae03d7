;; float32 ADD, SUB, MUL, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE with WebAssembly SIMD (f32x4), four elements
;; per step, the fused activation inline. A module of its own beside int8.wat, importing the same memory (one per
;; interpreter, see WasmHeap in ../wasm-kernels.ts). Assembled by scripts/build.js (wabt) into
;; dist/lib/tflite/wasm/float-elementwise.wasm. Generated once by hand from a template: the six loops differ only in
;; their arithmetic line (one loop per operator keeps the dispatch out of the inner loop).
;;
;; Results are those of the JavaScript loops of ../kernels/elementwise.ts and binary.ts bit for bit:
;; - f32x4.add/sub/mul round once to single precision, as storing the double result of two floats does;
;; - the activation clamp r < lo ? lo : r > hi ? hi : r is pmin(pmax(r, lo), hi) (pseudo-min/max are exactly these
;;   selects: NaN and -0 pass through as in JavaScript, which f32x4.min/max would not);
;; - MAXIMUM u > v ? u : v is pmax(v, u), MINIMUM u < v ? u : v is pmin(v, u).
;;
;; fbin: rows × inner outputs at y. Per row, each operand starts at a (b) and advances aRow (bRow) bytes to the next
;; row; aStep (bStep) is 16 when it advances with the output inside a row, 0 when its one value at the row's start
;; stands for the whole row (splat into 16 bytes at scratch / scratch + 16). The last inner mod 4 outputs of a row
;; are stored lane by lane (their inputs read up to 12 bytes past the data: the heap keeps slack for that).
(module
  (import "env" "memory" (memory 1))
  (global $pa (mut i32) (i32.const 0))
  (global $pb (mut i32) (i32.const 0))

  ;; where a row's vectors are read from: the operand itself, or its value splat into the scratch area
  (func $operands (param $a i32) (param $b i32) (param $aStep i32) (param $bStep i32) (param $scratch i32)
    (if (local.get $aStep)
      (then (global.set $pa (local.get $a)))
      (else
        (v128.store (local.get $scratch) (v128.load32_splat (local.get $a)))
        (global.set $pa (local.get $scratch))))
    (if (local.get $bStep)
      (then (global.set $pb (local.get $b)))
      (else
        (v128.store offset=16 (local.get $scratch) (v128.load32_splat (local.get $b)))
        (global.set $pb (i32.add (local.get $scratch) (i32.const 16))))))

  ;; the first n (1..3) lanes of r at p
  (func $lanes (param $p i32) (param $r v128) (param $n i32)
    (v128.store32_lane 0 (local.get $p) (local.get $r))
    (if (i32.gt_s (local.get $n) (i32.const 1)) (then (v128.store32_lane offset=4 1 (local.get $p) (local.get $r))))
    (if (i32.gt_s (local.get $n) (i32.const 2)) (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $r)))))

  (func (export "fbin") (param $kind i32) (param $a i32) (param $b i32) (param $y i32) (param $rows i32) (param $inner i32)
    (param $aRow i32) (param $bRow i32) (param $aStep i32) (param $bStep i32) (param $lo f32) (param $hi f32) (param $scratch i32)
    (local $lov v128) (local $hiv v128) (local $d v128) (local $pa i32) (local $pb i32) (local $py i32) (local $left i32)
    (local.set $lov (f32x4.splat (local.get $lo)))
    (local.set $hiv (f32x4.splat (local.get $hi)))
    (if (i32.eqz (local.get $rows)) (then (return)))
    (block $k5 (block $k4 (block $k3 (block $k2 (block $k1 (block $k0
      (br_table $k0 $k1 $k2 $k3 $k4 $k5 $k5 (local.get $kind)))
    ;; 0: ADD
    (loop $rows0
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail0 (loop $vec0
        (br_if $tail0 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.add (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec0)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.add (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows0 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
    ;; 1: SUB
    (loop $rows1
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail1 (loop $vec1
        (br_if $tail1 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec1)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows1 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
    ;; 2: MUL
    (loop $rows2
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail2 (loop $vec2
        (br_if $tail2 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec2)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.mul (v128.load (local.get $pa)) (v128.load (local.get $pb))) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows2 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
    ;; 3: MAXIMUM
    (loop $rows3
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail3 (loop $vec3
        (br_if $tail3 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.pmax (v128.load (local.get $pb)) (v128.load (local.get $pa))) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec3)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.pmax (v128.load (local.get $pb)) (v128.load (local.get $pa))) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows3 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
    ;; 4: MINIMUM
    (loop $rows4
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail4 (loop $vec4
        (br_if $tail4 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.pmin (v128.load (local.get $pb)) (v128.load (local.get $pa))) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec4)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.pmin (v128.load (local.get $pb)) (v128.load (local.get $pa))) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows4 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
    ;; 5: SQUARED_DIFFERENCE
    (loop $rows5
      (call $operands (local.get $a) (local.get $b) (local.get $aStep) (local.get $bStep) (local.get $scratch))
      (local.set $pa (global.get $pa)) (local.set $pb (global.get $pb))
      (local.set $py (local.get $y))
      (local.set $left (local.get $inner))
      (block $tail5 (loop $vec5
        (br_if $tail5 (i32.lt_s (local.get $left) (i32.const 4)))
        (v128.store (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.mul (local.tee $d (f32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $d)) (local.get $lov)) (local.get $hiv)))
        (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
        (local.set $pb (i32.add (local.get $pb) (local.get $bStep)))
        (local.set $py (i32.add (local.get $py) (i32.const 16)))
        (local.set $left (i32.sub (local.get $left) (i32.const 4)))
        (br $vec5)))
      (if (i32.gt_s (local.get $left) (i32.const 0))
        (then (call $lanes (local.get $py) (f32x4.pmin (f32x4.pmax (f32x4.mul (local.tee $d (f32x4.sub (v128.load (local.get $pa)) (v128.load (local.get $pb)))) (local.get $d)) (local.get $lov)) (local.get $hiv)) (local.get $left))))
      (local.set $a (i32.add (local.get $a) (local.get $aRow)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $rows5 (local.tee $rows (i32.sub (local.get $rows) (i32.const 1)))))
    (return))
)
