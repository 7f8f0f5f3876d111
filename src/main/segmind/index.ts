export { createSegmindClient } from './client.ts';
export { usageFromHeaders } from './usage-headers.ts';
export type {
  CallOptions,
  DownloadOptions,
  DownloadResult,
  RequestStatus,
  ResultBody,
  SegmindClient,
  SegmindClientOptions,
  StatusResult,
  SubmitResult,
  SyncResult,
  UsageHeaders,
  WritableFile,
} from './client.ts';
export { SegmindError, segmindErrorKinds } from './errors.ts';
export type { SegmindErrorKind } from './errors.ts';
export { normaliseOutputs } from './output-normalizer.ts';
export type { OutputSource } from './output-normalizer.ts';
export type { ResolveLocalImage } from './local-images.ts';
