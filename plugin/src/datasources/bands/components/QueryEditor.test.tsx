import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceInstanceSettings } from '@grafana/data';
import { BandsDataSource } from '../datasource';
import type { BandsQuery } from '../types';
import { QueryEditor } from './QueryEditor';
import { testIds } from './testIds';

const user = userEvent.setup({ delay: null });
const datasource = new BandsDataSource({ uid: 'ntma-bands' } as DataSourceInstanceSettings);

function setup(query: BandsQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('the bands query editor', () => {
  it('commits the PromQL on blur and runs the query', async () => {
    const { onChange, onRunQuery } = setup({ refId: 'A', expr: '' });
    await user.type(screen.getByTestId(testIds.expr), 'sum(rx)');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', expr: 'sum(rx)' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('takes a confidence within the limits and a training window in the duration grammar', async () => {
    const { onChange } = setup({ refId: 'A', expr: 'rx' });
    await user.type(screen.getByTestId(testIds.confidence), '0.99');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', expr: 'rx', confidence: 0.99 });
    await user.type(screen.getByTestId(testIds.train), '1d12h');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', expr: 'rx', train: '1d12h' });
  });

  it('shows why a confidence or training window is refused and does not run it', async () => {
    const { onChange, onRunQuery } = setup({ refId: 'A', expr: 'rx' });
    await user.type(screen.getByTestId(testIds.confidence), '0.5');
    await user.tab();
    expect(screen.getByText('Confidence 0.5 is outside 0.8..0.999')).toBeInTheDocument();
    await user.type(screen.getByTestId(testIds.train), '2 days');
    await user.tab();
    expect(screen.getByText(/Training window: "2 days" is not a duration/)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });
});
