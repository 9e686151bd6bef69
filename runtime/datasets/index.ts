// The data readers that run in browsers too (runtime/datasets/node.ts adds
// files, folders and image decoders for Node).
export * from "./source.ts";
export { csvRows, openCsv, type CsvRow } from "./csv.ts";
export { openJsonl } from "./jsonl.ts";
export { parseNpy, type NamedArray } from "./npy.ts";
export { arraysSource, openNpy, openNpz, openSafetensorsData } from "./arrays.ts";
export { openImageFolder, singleImage, pixelsToInput, imageShape, isImageName, IMAGE_EXTENSIONS, type ImageAccess } from "./images.ts";
export { readText, buildVocabulary, encodeCharacters, decodeCharacters, textWindows } from "./text.ts";
export { formatOf, openRecords, FORMAT_HELP } from "./formats.ts";
export { planFeeds, parseMap, describeFeeds, describeSpec, staticSize, isNumeric, type Feed, type ModelDescription, type MappingOptions, type Role } from "./mapping.ts";
export { encodeRecords, standardizeInPlace, type DataInfo, type Encoded, type EncodeOptions } from "./encode.ts";
export { prepareRecords, prepareText, textFeeds, firstRecord, type PrepareOptions, type Prepared } from "./prepare.ts";
export { splitValidation, takeRows } from "./split.ts";
export { evaluate, probeClasses, forEachBatch, rowsOf, type Metrics, type Predictor } from "./metrics.ts";
export { infoToMetadata, infoFromMetadata } from "./info.ts";
export { shuffleBuffer, recordBatches, encodeBatch, streamingSplit, evaluateStream, type StreamData } from "./stream.ts";
