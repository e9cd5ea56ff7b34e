import { z } from 'zod';

/**
 * The metrics Ferry computes (DESIGN.md §3), per task, with the direction in
 * which each one improves. Config validation, selection and the report all
 * read this one table.
 */
export const taskSchema = z.enum(['binary', 'multiclass', 'regression']);
export type Task = z.infer<typeof taskSchema>;
export const TASKS: readonly Task[] = taskSchema.options;

export const METRICS_BY_TASK = {
  binary: ['roc_auc', 'pr_auc', 'log_loss', 'accuracy', 'precision', 'recall', 'f1', 'mcc'],
  multiclass: ['accuracy', 'f1_macro', 'f1_weighted', 'log_loss', 'mcc'],
  regression: ['rmse', 'mae', 'r2', 'mape'],
} as const satisfies Record<Task, readonly string[]>;

type MetricOfSomeTask = (typeof METRICS_BY_TASK)[Task][number];

const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'rmse', 'mae', 'mape']);

/** Every metric of the table once, in the table's order. */
export const metricNameSchema = z.enum([
  ...new Set<MetricOfSomeTask>(Object.values(METRICS_BY_TASK).flat()),
]);
export type MetricName = z.infer<typeof metricNameSchema>;
export const ALL_METRICS: readonly MetricName[] = metricNameSchema.options;

/**
 * Metric values by name; a metric that was not computed is absent. JSON has
 * no NaN: a NaN value (ROC AUC of a test split with one class) that crossed an
 * activity boundary arrives as null, which this schema refuses.
 */
export const metricValuesSchema = z.partialRecord(metricNameSchema, z.number());

export function isMetricName(name: string): name is MetricName {
  return (ALL_METRICS as readonly string[]).includes(name);
}

export function metricsForTask(task: Task): readonly MetricName[] {
  return METRICS_BY_TASK[task];
}

export function isHigherBetter(metric: MetricName): boolean {
  return !LOWER_IS_BETTER.has(metric);
}
