;; Matrix products with WebAssembly SIMD for BATCH_MATMUL, TRANSPOSE_CONV, DEPTHWISE_CONV_2D int16x8 and SVDF (see
;; ../kernels/matrix-simd.ts). A module of its own beside int8.wat, importing the same memory (one per interpreter,
;; see WasmHeap in ../wasm-kernels.ts). Assembled by scripts/build.js (wabt) into dist/lib/tflite/wasm/matrix.wasm.
;;
;; Each kernel computes what the JavaScript loop it replaces computes, bit for bit:
;; - float32 sums (mm_f32, rowdot_f32) add each product, rounded to single precision, to a single-precision sum
;;   that starts at +0, in the JavaScript loop's order (f32x4.mul and f32x4.add round as Math.fround does; lanes run
;;   across independent outputs, never across the terms of one sum);
;; - the sums the JavaScript loops form in double precision (mm_f64, tconv) are formed in double precision in the
;;   same order, two outputs per f64x2; products of two float32 values, or of integers, are exact in double;
;; - the int16x8 depthwise sums (dw16x8) are integers, exact in int32 (the caller checks the bound), requantized as
;;   mulByQuantizedMultiplier64 in ../fixed-point.ts does: floor((v m16 + 2^(t-1)) / 2^t) with an int64 product.
(module
  (import "env" "memory" (memory 1))

  ;; rows × cols elements from src (element strides rs between rows, cs between columns) to dst, row r at
  ;; dst + r · dstRow bytes, as: 0 float32 → float32 (a copy, for transposing), 1 float32 → float64 + offset,
  ;; 2 int8, 3 uint8, 4 int16 → float64 + offset (the JavaScript loops' (x + offset) in double).
  (func (export "pack") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $rs i32) (param $cs i32)
    (param $dstRow i32) (param $type i32) (param $offset f64)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32) (local $es i32) (local $step i32)
    (local.set $es
      (select (i32.const 4) (select (i32.const 2) (i32.const 1) (i32.eq (local.get $type) (i32.const 4)))
        (i32.le_u (local.get $type) (i32.const 1))))
    (local.set $step (i32.mul (local.get $cs) (local.get $es)))
    (block $done (loop $row
      (br_if $done (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $r) (local.get $rs)) (local.get $es))))
      (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $r) (local.get $dstRow))))
      (local.set $end (i32.add (local.get $d) (i32.shl (local.get $cols) (select (i32.const 2) (i32.const 3) (i32.eqz (local.get $type))))))
      (if (i32.lt_u (local.get $d) (local.get $end))
        (then
          (block $t5 (block $t4 (block $t3 (block $t2 (block $t1 (block $t0
            (br_table $t0 $t1 $t2 $t3 $t4 $t5 (local.get $type)))
            (loop $c0
              (f32.store (local.get $d) (f32.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 4)))
              (br_if $c0 (i32.lt_u (local.get $d) (local.get $end))))
            (br $t5))
            (loop $c1
              (f64.store (local.get $d) (f64.add (f64.promote_f32 (f32.load (local.get $s))) (local.get $offset)))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 8)))
              (br_if $c1 (i32.lt_u (local.get $d) (local.get $end))))
            (br $t5))
            (loop $c2
              (f64.store (local.get $d) (f64.add (f64.convert_i32_s (i32.load8_s (local.get $s))) (local.get $offset)))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 8)))
              (br_if $c2 (i32.lt_u (local.get $d) (local.get $end))))
            (br $t5))
            (loop $c3
              (f64.store (local.get $d) (f64.add (f64.convert_i32_s (i32.load8_u (local.get $s))) (local.get $offset)))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 8)))
              (br_if $c3 (i32.lt_u (local.get $d) (local.get $end))))
            (br $t5))
            (loop $c4
              (f64.store (local.get $d) (f64.add (f64.convert_i32_s (i32.load16_s (local.get $s))) (local.get $offset)))
              (local.set $s (i32.add (local.get $s) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 8)))
              (br_if $c4 (i32.lt_u (local.get $d) (local.get $end)))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; the first n (1..) lanes of v at p
  (func $store_f32x4 (param $p i32) (param $v v128) (param $n i32)
    (if (i32.ge_s (local.get $n) (i32.const 4)) (then (v128.store (local.get $p) (local.get $v)) (return)))
    (v128.store32_lane 0 (local.get $p) (local.get $v))
    (if (i32.ge_s (local.get $n) (i32.const 2)) (then (v128.store32_lane offset=4 1 (local.get $p) (local.get $v))))
    (if (i32.ge_s (local.get $n) (i32.const 3)) (then (v128.store32_lane offset=8 2 (local.get $p) (local.get $v)))))

  ;; y[i][j] = Σ_p a[i][p] · b[p][j] for i < m, j < n, in float32 from +0, p ascending. a: element (i, p) at
  ;; a + i · aI + p · aP (bytes); b: k rows of nPad (a multiple of 4) floats, zeros past n; y: m rows of n floats.
  (func (export "mm_f32") (param $a i32) (param $aI i32) (param $aP i32) (param $b i32) (param $y i32)
    (param $m i32) (param $n i32) (param $k i32) (param $nPad i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pa i32) (local $pb i32) (local $row i32) (local $yp i32) (local $bRow i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bRow (i32.shl (local.get $nPad) (i32.const 2)))
    (block $rows (loop $rowl
      (br_if $rows (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aI))))
      (local.set $yp (i32.add (local.get $y) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      ;; sixteen columns at a time (four independent chains), then four
      (block $d16 (loop $l16
        (br_if $d16 (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $row))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_s (local.get $p) (local.get $k)))
          (local.set $xv (v128.load32_splat (local.get $pa)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load (local.get $pb)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $pb)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $pb)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aP)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $kl)))
        (v128.store (local.get $yp) (local.get $a0))
        (v128.store offset=16 (local.get $yp) (local.get $a1))
        (v128.store offset=32 (local.get $yp) (local.get $a2))
        (v128.store offset=48 (local.get $yp) (local.get $a3))
        (local.set $yp (i32.add (local.get $yp) (i32.const 64)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l16)))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $row))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $kd4 (loop $kl4
          (br_if $kd4 (i32.ge_s (local.get $p) (local.get $k)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aP)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $kl4)))
        (call $store_f32x4 (local.get $yp) (local.get $a0) (i32.sub (local.get $n) (local.get $j)))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rowl))))

  ;; The same product in double precision: a m rows of k float64 (packed), b k rows of nPad (even) float64, y m rows
  ;; of n float64; eight columns at a time, then two (the last of an odd n stored alone).
  (func (export "mm_f64") (param $a i32) (param $b i32) (param $y i32) (param $m i32) (param $n i32) (param $k i32) (param $nPad i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pb i32) (local $row i32) (local $end i32) (local $yp i32) (local $bRow i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bRow (i32.shl (local.get $nPad) (i32.const 3)))
    (block $rows (loop $rowl
      (br_if $rows (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 3))))
      (local.set $end (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $yp (i32.add (local.get $y) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $d8 (loop $l8
        (br_if $d8 (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $row))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $pa) (local.get $end)))
          (local.set $xv (v128.load64_splat (local.get $pa)))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xv) (v128.load (local.get $pb)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xv) (v128.load offset=16 (local.get $pb)))))
          (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xv) (v128.load offset=32 (local.get $pb)))))
          (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xv) (v128.load offset=48 (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br $kl)))
        (v128.store (local.get $yp) (local.get $a0))
        (v128.store offset=16 (local.get $yp) (local.get $a1))
        (v128.store offset=32 (local.get $yp) (local.get $a2))
        (v128.store offset=48 (local.get $yp) (local.get $a3))
        (local.set $yp (i32.add (local.get $yp) (i32.const 64)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $l8)))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $row))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
        (block $kd2 (loop $kl2
          (br_if $kd2 (i32.ge_u (local.get $pa) (local.get $end)))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load64_splat (local.get $pa)) (v128.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br $kl2)))
        (if (i32.ge_s (i32.sub (local.get $n) (local.get $j)) (i32.const 2))
          (then (v128.store (local.get $yp) (local.get $a0)))
          (else (v128.store64_lane 0 (local.get $yp) (local.get $a0))))
        (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rowl))))

  ;; TRANSPOSE_CONV's scatter as reference_ops::TransposeConv orders it (../kernels/transpose-conv.ts): for each input
  ;; pixel (x: float64, inC per pixel) and each filter tap landing inside the output, per output channel
  ;; s = Σ_ic x[ic] · w[tap][ic][oc] from +0, ic ascending, then acc[pixel][oc] += s, pixels and taps in order.
  ;; w: per tap, per ic, ocPad (a multiple of 4) float64, zeros past outC; acc: the output pixels, ocPad float64 each,
  ;; zeroed here first. Two input pixels at a time share the weight loads: their sums for every tap go to col (two
  ;; pixels × taps × ocPad float64), then the first pixel's are added to acc, then the second's (an odd last pixel is
  ;; computed twice, added once).
  (func (export "tconv") (param $x i32) (param $w i32) (param $acc i32) (param $col i32)
    (param $batches i32) (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32) (param $ocPad i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $pH i32) (param $pW i32)
    (local $p i32) (local $pixels i32) (local $xa i32) (local $xb i32) (local $xe i32) (local $pa i32) (local $pb i32)
    (local $pw i32) (local $wt i32) (local $cp i32) (local $t i32) (local $taps i32) (local $oc i32)
    (local $ocBytes i32) (local $wTap i32) (local $colPix i32) (local $xRow i32)
    (local $va v128) (local $vb v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $ocBytes (i32.shl (local.get $ocPad) (i32.const 3)))
    (local.set $wTap (i32.mul (local.get $inC) (local.get $ocBytes)))
    (local.set $taps (i32.mul (local.get $kH) (local.get $kW)))
    (local.set $colPix (i32.mul (local.get $taps) (local.get $ocBytes)))
    (local.set $xRow (i32.shl (local.get $inC) (i32.const 3)))
    (local.set $pixels (i32.mul (i32.mul (local.get $batches) (local.get $inH)) (local.get $inW)))
    (memory.fill (local.get $acc) (i32.const 0)
      (i32.mul (i32.mul (i32.mul (local.get $batches) (local.get $outH)) (local.get $outW)) (local.get $ocBytes)))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $pixels)))
      (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $xRow))))
      (local.set $xe (i32.add (local.get $xa) (local.get $xRow)))
      (local.set $xb (select (local.get $xe) (local.get $xa) (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $pixels))))
      (local.set $t (i32.const 0))
      (local.set $wt (local.get $w))
      (local.set $cp (local.get $col))
      (block $td (loop $tl
        (br_if $td (i32.ge_s (local.get $t) (local.get $taps)))
        (local.set $oc (i32.const 0))
        (block $ocd (loop $ocl
          (br_if $ocd (i32.gt_s (i32.add (local.get $oc) (i32.const 64)) (local.get $ocBytes)))
          (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $b0 (v128.const i32x4 0 0 0 0)) (local.set $b1 (v128.const i32x4 0 0 0 0))
          (local.set $b2 (v128.const i32x4 0 0 0 0)) (local.set $b3 (v128.const i32x4 0 0 0 0))
          (local.set $pa (local.get $xa))
          (local.set $pb (local.get $xb))
          (local.set $pw (i32.add (local.get $wt) (local.get $oc)))
          (block $icd (loop $icl
            (br_if $icd (i32.ge_u (local.get $pa) (local.get $xe)))
            (local.set $va (v128.load64_splat (local.get $pa)))
            (local.set $vb (v128.load64_splat (local.get $pb)))
            (local.set $w0 (v128.load (local.get $pw)))
            (local.set $w1 (v128.load offset=16 (local.get $pw)))
            (local.set $w2 (v128.load offset=32 (local.get $pw)))
            (local.set $w3 (v128.load offset=48 (local.get $pw)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $va) (local.get $w0))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $va) (local.get $w1))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $va) (local.get $w2))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $va) (local.get $w3))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $vb) (local.get $w0))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $vb) (local.get $w1))))
            (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $vb) (local.get $w2))))
            (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $vb) (local.get $w3))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
            (local.set $pw (i32.add (local.get $pw) (local.get $ocBytes)))
            (br $icl)))
          (local.set $pw (i32.add (local.get $cp) (local.get $oc)))
          (v128.store (local.get $pw) (local.get $a0))
          (v128.store offset=16 (local.get $pw) (local.get $a1))
          (v128.store offset=32 (local.get $pw) (local.get $a2))
          (v128.store offset=48 (local.get $pw) (local.get $a3))
          (local.set $pw (i32.add (local.get $pw) (local.get $colPix)))
          (v128.store (local.get $pw) (local.get $b0))
          (v128.store offset=16 (local.get $pw) (local.get $b1))
          (v128.store offset=32 (local.get $pw) (local.get $b2))
          (v128.store offset=48 (local.get $pw) (local.get $b3))
          (local.set $oc (i32.add (local.get $oc) (i32.const 64)))
          (br $ocl)))
        ;; the last four channels when ocPad is not a multiple of 8
        (if (i32.lt_s (local.get $oc) (local.get $ocBytes))
          (then
            (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $b0 (v128.const i32x4 0 0 0 0)) (local.set $b1 (v128.const i32x4 0 0 0 0))
            (local.set $pa (local.get $xa))
            (local.set $pb (local.get $xb))
            (local.set $pw (i32.add (local.get $wt) (local.get $oc)))
            (block $icd4 (loop $icl4
              (br_if $icd4 (i32.ge_u (local.get $pa) (local.get $xe)))
              (local.set $va (v128.load64_splat (local.get $pa)))
              (local.set $vb (v128.load64_splat (local.get $pb)))
              (local.set $w0 (v128.load (local.get $pw)))
              (local.set $w1 (v128.load offset=16 (local.get $pw)))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $va) (local.get $w0))))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $va) (local.get $w1))))
              (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $vb) (local.get $w0))))
              (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $vb) (local.get $w1))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
              (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
              (local.set $pw (i32.add (local.get $pw) (local.get $ocBytes)))
              (br $icl4)))
            (local.set $pw (i32.add (local.get $cp) (local.get $oc)))
            (v128.store (local.get $pw) (local.get $a0))
            (v128.store offset=16 (local.get $pw) (local.get $a1))
            (local.set $pw (i32.add (local.get $pw) (local.get $colPix)))
            (v128.store (local.get $pw) (local.get $b0))
            (v128.store offset=16 (local.get $pw) (local.get $b1))))
        (local.set $wt (i32.add (local.get $wt) (local.get $wTap)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ocBytes)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tl)))
      (call $scatter (local.get $p) (local.get $col) (local.get $acc) (local.get $inH) (local.get $inW) (local.get $outH) (local.get $outW)
        (local.get $ocBytes) (local.get $kH) (local.get $kW) (local.get $sH) (local.get $sW) (local.get $pH) (local.get $pW))
      (if (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $pixels))
        (then
          (call $scatter (i32.add (local.get $p) (i32.const 1)) (i32.add (local.get $col) (local.get $colPix)) (local.get $acc) (local.get $inH) (local.get $inW)
            (local.get $outH) (local.get $outW) (local.get $ocBytes) (local.get $kH) (local.get $kW) (local.get $sH) (local.get $sW) (local.get $pH) (local.get $pW))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $pl))))

  ;; adds input pixel p's tap sums (col: ocBytes per tap) to the output pixels its taps land on, taps in order
  (func $scatter (param $p i32) (param $col i32) (param $acc i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32)
    (param $ocBytes i32) (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $pH i32) (param $pW i32)
    (local $b i32) (local $iy i32) (local $ix i32) (local $fy i32) (local $fx i32) (local $oy i32) (local $ox i32)
    (local $ap i32) (local $cp i32) (local $end i32)
    (local.set $ix (i32.rem_u (local.get $p) (local.get $inW)))
    (local.set $iy (i32.div_u (local.get $p) (local.get $inW)))
    (local.set $b (i32.div_u (local.get $iy) (local.get $inH)))
    (local.set $iy (i32.rem_u (local.get $iy) (local.get $inH)))
    (block $fyd (loop $fyl
      (br_if $fyd (i32.ge_s (local.get $fy) (local.get $kH)))
      (local.set $oy (i32.add (i32.sub (i32.mul (local.get $iy) (local.get $sH)) (local.get $pH)) (local.get $fy)))
      (if (i32.and (i32.ge_s (local.get $oy) (i32.const 0)) (i32.lt_s (local.get $oy) (local.get $outH)))
        (then
          (local.set $fx (i32.const 0))
          (block $fxd (loop $fxl
            (br_if $fxd (i32.ge_s (local.get $fx) (local.get $kW)))
            (local.set $ox (i32.add (i32.sub (i32.mul (local.get $ix) (local.get $sW)) (local.get $pW)) (local.get $fx)))
            (if (i32.and (i32.ge_s (local.get $ox) (i32.const 0)) (i32.lt_s (local.get $ox) (local.get $outW)))
              (then
                (local.set $ap
                  (i32.add (local.get $acc)
                    (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $oy)) (local.get $outW)) (local.get $ox))
                      (local.get $ocBytes))))
                (local.set $cp (i32.add (local.get $col) (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $kW)) (local.get $fx)) (local.get $ocBytes))))
                (local.set $end (i32.add (local.get $ap) (local.get $ocBytes)))
                (loop $add
                  (v128.store (local.get $ap) (f64x2.add (v128.load (local.get $ap)) (v128.load (local.get $cp))))
                  (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
                  (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
                  (br_if $add (i32.lt_u (local.get $ap) (local.get $end))))))
            (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
            (br $fxl)))))
      (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
      (br $fyl))))

  ;; float32 outputs of double sums: y[p][c] = float32(clamp(acc[p][c] + bias[c])) for pixels × channels, acc rows
  ;; of accRow float64, bias float64 per channel; the clamp v < lo ? lo : v > hi ? hi : v is pmin(pmax(v, lo), hi)
  ;; (NaN and -0 pass, as in JavaScript). Two channels at a time, an odd last one alone.
  (func (export "out_f32") (param $acc i32) (param $accRow i32) (param $bias i32) (param $y i32) (param $pixels i32) (param $channels i32)
    (param $lo f64) (param $hi f64)
    (local $p i32) (local $c i32) (local $ap i32) (local $lov v128) (local $hiv v128) (local $v v128) (local $pairs i32)
    (local.set $lov (f64x2.splat (local.get $lo)))
    (local.set $hiv (f64x2.splat (local.get $hi)))
    (local.set $pairs (i32.and (local.get $channels) (i32.const -2)))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $pixels)))
      (local.set $ap (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $p) (local.get $accRow)) (i32.const 3))))
      (local.set $c (i32.const 0))
      (block $cd (loop $cl
        (br_if $cd (i32.ge_s (local.get $c) (local.get $pairs)))
        (local.set $v
          (f64x2.add (v128.load (i32.add (local.get $ap) (i32.shl (local.get $c) (i32.const 3))))
            (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 3))))))
        (v128.store64_lane 0 (local.get $y)
          (f32x4.demote_f64x2_zero (f64x2.pmin (f64x2.pmax (local.get $v) (local.get $lov)) (local.get $hiv))))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $cl)))
      (if (i32.lt_s (local.get $c) (local.get $channels))
        (then
          (local.set $v
            (f64x2.add (v128.load64_zero (i32.add (local.get $ap) (i32.shl (local.get $c) (i32.const 3))))
              (v128.load64_zero (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 3))))))
          (v128.store32_lane 0 (local.get $y)
            (f32x4.demote_f64x2_zero (f64x2.pmin (f64x2.pmax (local.get $v) (local.get $lov)) (local.get $hiv))))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl))))

  ;; One int16 output: the int32 sum plus the channel's int64 bias, requantized (ch: int64 bias, int32 16-bit
  ;; multiplier, int32 total shift t in [1, 62]), plus the output offset, clamped.
  (func $rq64 (param $y i32) (param $sum i32) (param $ch i32) (param $outOff i32) (param $lo i32) (param $hi i32)
    (local $t i32) (local $v i32)
    (local.set $t (i32.load offset=12 (local.get $ch)))
    (local.set $v
      (i32.add
        (i32.wrap_i64
          (i64.shr_s
            (i64.add
              (i64.mul (i64.add (i64.load (local.get $ch)) (i64.extend_i32_s (local.get $sum))) (i64.extend_i32_s (i32.load offset=8 (local.get $ch))))
              (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $t) (i32.const 1)))))
            (i64.extend_i32_u (local.get $t))))
        (local.get $outOff)))
    (if (i32.lt_s (local.get $v) (local.get $lo)) (then (local.set $v (local.get $lo))))
    (if (i32.gt_s (local.get $v) (local.get $hi)) (then (local.set $v (local.get $hi))))
    (i32.store16 (local.get $y) (local.get $v)))

  ;; DEPTHWISE_CONV_2D, int16 activations, depth multiplier 1: per output pixel and block of four channels,
  ;; Σ_taps inside the input (x + inOff) · w[tap][c] in int32 (w: per tap cPad int32 (w + wOffset), cPad a multiple
  ;; of 4, zeros past the channels), then $rq64 per channel (ch: 16 bytes per channel). The last block's spare
  ;; lanes read up to 6 bytes past a pixel (the heap keeps slack) and are not stored.
  (func (export "dw16x8") (param $x i32) (param $w i32) (param $ch i32) (param $y i32)
    (param $batches i32) (param $inH i32) (param $inW i32) (param $inC i32) (param $outH i32) (param $outW i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $dH i32) (param $dW i32) (param $pH i32) (param $pW i32)
    (param $cPad i32) (param $inOff i32) (param $outOff i32) (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $fy i32) (local $fx i32) (local $iy i32) (local $ix i32)
    (local $c i32) (local $left i32) (local $yp i32) (local $cp i32) (local $acc v128) (local $off v128)
    (local.set $off (i32x4.splat (local.get $inOff)))
    (local.set $yp (local.get $y))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $batches)))
      (local.set $oy (i32.const 0))
      (block $yd (loop $yl
        (br_if $yd (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $xd (loop $xl
          (br_if $xd (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $c (i32.const 0))
          (local.set $cp (local.get $ch))
          (block $cd (loop $cl
            (br_if $cd (i32.ge_s (local.get $c) (local.get $inC)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $fy (i32.const 0))
            (block $fyd (loop $fyl
              (br_if $fyd (i32.ge_s (local.get $fy) (local.get $kH)))
              (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sH)) (local.get $pH)) (i32.mul (local.get $fy) (local.get $dH))))
              (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                (then
                  (local.set $fx (i32.const 0))
                  (block $fxd (loop $fxl
                    (br_if $fxd (i32.ge_s (local.get $fx) (local.get $kW)))
                    (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sW)) (local.get $pW)) (i32.mul (local.get $fx) (local.get $dW))))
                    (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                      (then
                        (local.set $acc
                          (i32x4.add (local.get $acc)
                            (i32x4.mul
                              (i32x4.add (local.get $off)
                                (i32x4.extend_low_i16x8_s
                                  (v128.load64_zero
                                    (i32.add (local.get $x)
                                      (i32.shl
                                        (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix)) (local.get $inC))
                                          (local.get $c))
                                        (i32.const 1))))))
                              (v128.load
                                (i32.add (local.get $w)
                                  (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $kW)) (local.get $fx)) (local.get $cPad)) (local.get $c)) (i32.const 2)))))))))
                    (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                    (br $fxl)))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $fyl)))
            (local.set $left (i32.sub (local.get $inC) (local.get $c)))
            (call $rq64 (local.get $yp) (i32x4.extract_lane 0 (local.get $acc)) (local.get $cp) (local.get $outOff) (local.get $lo) (local.get $hi))
            (if (i32.gt_s (local.get $left) (i32.const 1))
              (then (call $rq64 (i32.add (local.get $yp) (i32.const 2)) (i32x4.extract_lane 1 (local.get $acc)) (i32.add (local.get $cp) (i32.const 16)) (local.get $outOff) (local.get $lo) (local.get $hi))))
            (if (i32.gt_s (local.get $left) (i32.const 2))
              (then (call $rq64 (i32.add (local.get $yp) (i32.const 4)) (i32x4.extract_lane 2 (local.get $acc)) (i32.add (local.get $cp) (i32.const 32)) (local.get $outOff) (local.get $lo) (local.get $hi))))
            (if (i32.gt_s (local.get $left) (i32.const 3))
              (then (call $rq64 (i32.add (local.get $yp) (i32.const 6)) (i32x4.extract_lane 3 (local.get $acc)) (i32.add (local.get $cp) (i32.const 48)) (local.get $outOff) (local.get $lo) (local.get $hi))))
            (local.set $yp (i32.add (local.get $yp) (select (i32.const 8) (i32.shl (local.get $left) (i32.const 1)) (i32.gt_s (local.get $left) (i32.const 4)))))
            (local.set $cp (i32.add (local.get $cp) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cl)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; out[r] = Σ_m w[(r mod filters) · mem + m] · s[r · mem + m] in float32 from +0, m ascending, for r < rows
  ;; (SVDF's time weights against its state rows).
  (func (export "rowdot_f32") (param $s i32) (param $w i32) (param $out i32) (param $rows i32) (param $filters i32) (param $mem i32)
    (local $r i32) (local $f i32) (local $ps i32) (local $pw i32) (local $end i32) (local $d f32)
    (block $rd (loop $rl
      (br_if $rd (i32.ge_s (local.get $r) (local.get $rows)))
      (if (i32.ge_s (local.get $f) (local.get $filters)) (then (local.set $f (i32.const 0))))
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.mul (local.get $r) (local.get $mem)) (i32.const 2))))
      (local.set $pw (i32.add (local.get $w) (i32.shl (i32.mul (local.get $f) (local.get $mem)) (i32.const 2))))
      (local.set $end (i32.add (local.get $ps) (i32.shl (local.get $mem) (i32.const 2))))
      (local.set $d (f32.const 0))
      (block $md (loop $ml
        (br_if $md (i32.ge_u (local.get $ps) (local.get $end)))
        (local.set $d (f32.add (local.get $d) (f32.mul (f32.load (local.get $pw)) (f32.load (local.get $ps)))))
        (local.set $ps (i32.add (local.get $ps) (i32.const 4)))
        (local.set $pw (i32.add (local.get $pw) (i32.const 4)))
        (br $ml)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $d))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rl))))
)
