// The package ships no types: the shape of what it returns.
declare module 'parse-prometheus-text-format' {
  interface Series {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  export default function parsePrometheusTextFormat(text: string): Array<{ name: string; help: string; type: string; metrics: Series[] }>;
}
