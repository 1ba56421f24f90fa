import { linkedTargets } from './target';
import { seriesFromFrames } from './series';
import { seriesFrame } from '../../testing/panelProps';

describe('linkedTargets', () => {
  const series = seriesFromFrames([
    seriesFrame({ service: 'web' }, [1, 2]),
    seriesFrame({ service: 'api' }, [1, 2]),
    seriesFrame({ other: 'x' }, [1, 2]),
  ]);
  const vars = (v: string) => v.replace('$project', 'shop');

  it('is empty without a target', () => {
    expect(linkedTargets({ targetMode: 'none', scaleTarget: 'compose:shop:web' }, series, vars)).toEqual([]);
  });

  it('replaces dashboard variables in a fixed target', () => {
    expect(linkedTargets({ targetMode: 'fixed', scaleTarget: 'compose:$project:web' }, series, vars)).toEqual([
      'compose:shop:web',
    ]);
  });

  it("fills {{label}} from each series' labels and skips series without that label", () => {
    expect(
      linkedTargets({ targetMode: 'template', scaleTarget: 'compose:$project:{{service}}' }, series, vars),
    ).toEqual(['compose:shop:api', 'compose:shop:web']);
  });
});
