import React from 'react';
import { Badge } from '@grafana/ui';
import { type ExcursionKind, KIND_LABELS } from '@ntma/contract';

// Badge takes a smaller palette than the chart's named colours, so sustained shares orange here.
const BADGE_COLORS: Record<ExcursionKind, 'red' | 'blue' | 'orange' | 'purple' | 'darkgrey'> = {
  spike: 'red',
  drop: 'blue',
  level_shift: 'orange',
  sustained: 'orange',
  attack_suspected: 'purple',
};

export function KindBadge({ kind }: { kind: ExcursionKind }) {
  return (
    <Badge
      text={KIND_LABELS[kind]}
      color={BADGE_COLORS[kind]}
      icon={kind === 'attack_suspected' ? 'shield-exclamation' : undefined}
    />
  );
}
