import { isMetricName, type MetricName } from '../evaluation/metric-names';

/** A threshold gate as written in a pipeline file: "roc_auc >= 0.80". */
export interface ThresholdGate {
  metric: MetricName;
  operator: '>=' | '>' | '<=' | '<';
  value: number;
}

const GATE_PATTERN = /^\s*([a-z0-9_]+)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;

export type GateParse =
  | { ok: true; gate: ThresholdGate }
  | { ok: false; reason: 'syntax' }
  | { ok: false; reason: 'metric'; metric: string };

export function parseGate(text: string): GateParse {
  const match = GATE_PATTERN.exec(text);
  if (!match) return { ok: false, reason: 'syntax' };
  const [, metric = '', operator, value = ''] = match;
  if (!isMetricName(metric)) return { ok: false, reason: 'metric', metric };
  return {
    ok: true,
    gate: { metric, operator: operator as ThresholdGate['operator'], value: Number(value) },
  };
}
