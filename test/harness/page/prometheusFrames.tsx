import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';

interface MatrixAnswer {
  status: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
  error?: string;
}

/**
 * What Grafana's Prometheus datasource hands a panel for a range query: one frame per series, a time field and
 * a value field carrying the series' labels, named by the legend format. Like Grafana's, the time field carries
 * the step the query ran with as its interval.
 */
export function framesFromMatrix(answer: MatrixAnswer, legendLabel: string, stepSeconds: number): DataFrame[] {
  if (answer.status !== 'success' || !answer.data) {
    throw new Error(`Prometheus: ${answer.error ?? 'query failed'}`);
  }
  return answer.data.result.map((series) => {
    // Grafana's Prometheus datasource leaves the metric name out of the labels it gives a panel.
    const labels = { ...series.metric };
    delete labels.__name__;
    return createDataFrame({
      refId: 'A',
      fields: [
        {
          name: 'Time',
          type: FieldType.time,
          values: series.values.map(([t]) => t * 1000),
          config: { interval: stepSeconds * 1000 },
        },
        {
          name: 'Value',
          type: FieldType.number,
          values: series.values.map(([, v]) => Number(v)),
          labels,
          config: { displayNameFromDS: labels[legendLabel] ?? JSON.stringify(labels), unit: 'Bps' },
        },
      ],
    });
  });
}
