import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { BandsDataSource } from './datasource';
import type { BandsQuery } from './types';

export const plugin = new DataSourcePlugin<BandsDataSource, BandsQuery>(BandsDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
