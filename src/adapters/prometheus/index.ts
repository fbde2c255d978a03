/** The Prometheus MetricSource: a constant number of PromQL range queries per tick, joined by pod. */
export { createPrometheusSource, type PrometheusSource, type PrometheusSourceDeps } from './source.js';
export { DEFAULT_QUERIES, DEFAULT_TOOL_LABEL, renderQueries, SIGNALS, type Signal } from './queries.js';
export { createHttpGet, type HttpAnswer, type HttpClient, type HttpGet } from './transport.js';
export { fileTokenSource, type TokenSource } from './token.js';
