export * from './types.js';
export * from './result.js';
export * from './resources.js';
