/** The committed R reference values (bench/forecast-peers/make-fixtures.R made them). */
import { readFileSync } from 'node:fs';

export interface ArimaReference {
  name: string;
  values: number[];
  order: [number, number, number];
  phi: number[];
  theta: number[];
  mean: number;
  sigma2: number;
  forecast: number[];
  lower: number[];
  upper: number[];
}

export interface RReference {
  generator: string;
  stl: { values: number[]; period: number; seasonalWindow: number; seasonal: number[]; trend: number[] };
  mstl: {
    values: number[];
    periods: number[];
    trend: number[];
    seasonal24: number[];
    seasonal168: number[];
    remainder: number[];
  };
  arima: ArimaReference[];
  stlf: {
    values: number[];
    future: number[];
    stepSeconds: number;
    model: string;
    forecast: number[];
    lower: number[];
    upper: number[];
  };
}

export const reference = JSON.parse(readFileSync(new URL('./r-reference.json', import.meta.url), 'utf8')) as RReference;
