export { startOtlpReceiver, SPAN_KIND } from './otlp-receiver';
export type { OtlpReceiver, ReceivedSpan } from './otlp-receiver';
export { scrapeMetrics, sampleValue } from './scrape';
export type { MetricSample } from './scrape';
