export * from './binaryInput';
export * from './fileLimits';
export * from './httpResponse';
export * from './httpErrors';
export * from './retry';
export * from './multipartBody';
export * from './presignedPost';
export * from './base64JsonBody';
