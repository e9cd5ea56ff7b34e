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

/**
 * Whether an observed metric value meets the gate. A missing or NaN value
 * fails: a gate is a promise that the model was measured and was good
 * enough, and an unmeasured model keeps neither half of it.
 */
export function passesGate(gate: ThresholdGate, observed: number | undefined): boolean {
  if (observed === undefined || Number.isNaN(observed)) return false;
  switch (gate.operator) {
    case '>=':
      return observed >= gate.value;
    case '>':
      return observed > gate.value;
    case '<=':
      return observed <= gate.value;
    case '<':
      return observed < gate.value;
  }
}
