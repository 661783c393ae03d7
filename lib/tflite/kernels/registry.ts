/** Builtin operator code → kernel. An operator absent here makes a model fail to load, naming it. */
import { BuiltinOperator as B } from "../schema";
import type { PrepareKernel } from "../kernel";
import { prepareFullyConnected } from "./fully-connected";
import { prepareConv2d, prepareDepthwiseConv2d } from "./conv";
import { prepareAveragePool2d, prepareMaxPool2d } from "./pooling";
import { prepareAdd, prepareMul, prepareSub } from "./elementwise";
import { prepareLeakyRelu, prepareLogistic, prepareRelu, prepareRelu6, prepareSoftmax, prepareTanh } from "./activations";
import { prepareConcatenation, preparePad, prepareReshape, prepareStridedSlice } from "./shape-ops";
import { prepareDequantize, prepareQuantize } from "./quantize";
import { prepareMean } from "./mean";
import { prepareLstmStep, prepareUnidirectionalSequenceLstm } from "./lstm";
import { prepareTransposeConv } from "./transpose-conv";
import * as move from "./data-movement";
import * as binary from "./binary";
import * as unary from "./unary";
import * as reduce from "./reduce";
import { prepareResizeBilinear, prepareResizeNearestNeighbor } from "./resize";
import { prepareL2Normalization, prepareLogSoftmax } from "./normalization";
import { prepareBatchMatmul } from "./batch-matmul";
import { prepareHardSwish } from "./hard-swish";
import { prepareReluN1To1 } from "./activations";
import { prepareCustom } from "./custom";
import { prepareSvdf } from "./svdf";

export const KERNELS = new Map<number, PrepareKernel>([
  [B.FULLY_CONNECTED, prepareFullyConnected],
  [B.CONV_2D, prepareConv2d],
  [B.DEPTHWISE_CONV_2D, prepareDepthwiseConv2d],
  [B.AVERAGE_POOL_2D, prepareAveragePool2d],
  [B.MAX_POOL_2D, prepareMaxPool2d],
  [B.ADD, prepareAdd],
  [B.SUB, prepareSub],
  [B.MUL, prepareMul],
  [B.RESHAPE, prepareReshape],
  [B.SQUEEZE, prepareReshape],
  [B.SOFTMAX, prepareSoftmax],
  [B.LOGISTIC, prepareLogistic],
  [B.TANH, prepareTanh],
  [B.RELU, prepareRelu],
  [B.RELU6, prepareRelu6],
  [B.LEAKY_RELU, prepareLeakyRelu],
  [B.PAD, preparePad],
  [B.STRIDED_SLICE, prepareStridedSlice],
  [B.CONCATENATION, prepareConcatenation],
  [B.MEAN, prepareMean],
  [B.QUANTIZE, prepareQuantize],
  [B.DEQUANTIZE, prepareDequantize],
  [B.TRANSPOSE_CONV, prepareTransposeConv],
  [B.UNIDIRECTIONAL_SEQUENCE_LSTM, prepareUnidirectionalSequenceLstm],
  [B.LSTM, prepareLstmStep],
  [B.PADV2, preparePad],
  [B.TRANSPOSE, move.prepareTranspose],
  [B.PACK, move.preparePack],
  [B.UNPACK, move.prepareUnpack],
  [B.SPLIT, move.prepareSplit],
  [B.SPLIT_V, move.prepareSplitV],
  [B.SLICE, move.prepareSlice],
  [B.GATHER, move.prepareGather],
  [B.GATHER_ND, move.prepareGatherNd],
  [B.TILE, move.prepareTile],
  [B.EXPAND_DIMS, move.prepareExpandDims],
  [B.DEPTH_TO_SPACE, move.prepareDepthToSpace],
  [B.SPACE_TO_DEPTH, move.prepareSpaceToDepth],
  [B.MIRROR_PAD, move.prepareMirrorPad],
  [B.MAXIMUM, binary.prepareMaximum],
  [B.MINIMUM, binary.prepareMinimum],
  [B.DIV, binary.prepareDiv],
  [B.FLOOR_DIV, binary.prepareFloorDiv],
  [B.SQUARED_DIFFERENCE, binary.prepareSquaredDifference],
  [B.PRELU, binary.preparePrelu],
  [B.EQUAL, binary.prepareEqual],
  [B.NOT_EQUAL, binary.prepareNotEqual],
  [B.LESS, binary.prepareLess],
  [B.LESS_EQUAL, binary.prepareLessEqual],
  [B.GREATER, binary.prepareGreater],
  [B.GREATER_EQUAL, binary.prepareGreaterEqual],
  [B.SELECT_V2, binary.prepareSelectV2],
  [B.ABS, unary.prepareAbs],
  [B.NEG, unary.prepareNeg],
  [B.SQUARE, unary.prepareSquare],
  [B.SQRT, unary.prepareSqrt],
  [B.RSQRT, unary.prepareRsqrt],
  [B.EXP, unary.prepareExp],
  [B.LOG, unary.prepareLog],
  [B.HARD_SWISH, prepareHardSwish],
  [B.GELU, unary.prepareGelu],
  [B.CAST, unary.prepareCast],
  [B.RELU_N1_TO_1, prepareReluN1To1],
  [B.SUM, reduce.prepareSum],
  [B.REDUCE_MAX, reduce.prepareReduceMax],
  [B.REDUCE_MIN, reduce.prepareReduceMin],
  [B.ARG_MAX, reduce.prepareArgMax],
  [B.RESIZE_BILINEAR, prepareResizeBilinear],
  [B.RESIZE_NEAREST_NEIGHBOR, prepareResizeNearestNeighbor],
  [B.L2_NORMALIZATION, prepareL2Normalization],
  [B.LOG_SOFTMAX, prepareLogSoftmax],
  [B.BATCH_MATMUL, prepareBatchMatmul],
  [B.CUSTOM, prepareCustom],
  [B.SVDF, prepareSvdf],
]);
