import React from 'react';
import { Badge } from '@grafana/ui';
import type { ExcursionKind } from '../../api/types';

const BADGE_COLORS: Record<ExcursionKind, 'red' | 'blue' | 'orange' | 'purple' | 'darkgrey'> = {
  spike: 'red',
  drop: 'blue',
  level_shift: 'orange',
  sustained: 'orange',
  attack_suspected: 'purple',
};

const LABELS: Record<ExcursionKind, string> = {
  spike: 'Spike',
  drop: 'Drop',
  level_shift: 'Level shift',
  sustained: 'Sustained overload',
  attack_suspected: 'Attack suspected',
};

export function KindBadge({ kind }: { kind: ExcursionKind }) {
  return (
    <Badge
      text={LABELS[kind]}
      color={BADGE_COLORS[kind]}
      icon={kind === 'attack_suspected' ? 'shield-exclamation' : undefined}
    />
  );
}
