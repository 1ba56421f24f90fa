// @grafana/ui's Icon fetches /public/img/icons/<name>.svg through react-inlinesvg; there is no Grafana server
// under jest, so icons render as an empty <svg> whose test id is the icon name.
import React from 'react';

const SVG_FILE_NAME = /(.+)\/(.+)\.svg$/;

export default function InlineSVG({ src }: { src: string }) {
  return <svg xmlns="http://www.w3.org/2000/svg" data-testid={src.replace(SVG_FILE_NAME, '$2')} viewBox="0 0 24 24" />;
}
