import './.config/jest-setup';
import { configure } from '@testing-library/react';

// i18next (inside @grafana/i18n) advertises itself on console.info at init; keep test output for our own logs.
const info = console.info;
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  info(...args);
};

// Lazy pages and @grafana/ui take a while to load on a busy 2-core CI machine; wait longer than 1 s for them.
configure({ asyncUtilTimeout: 5000 });

// @grafana/ui's Combobox sizes its menu with canvas measureText; jsdom has no canvas, so measure 7 px a character.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return { font: '', measureText: (text) => ({ width: String(text).length * 7 }) };
};

// jsdom has no IntersectionObserver; Combobox's option list asks for one. Nothing is ever reported as visible.
class NoIntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = NoIntersectionObserver;

// Tests act as an Editor (who may scale) unless they sign in as someone else with signInAs.
require('./src/testing/user').signInAs('Editor');
