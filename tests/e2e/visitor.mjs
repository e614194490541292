// What a new visitor meets, as functions that run inside the page, so the Chromium tests
// (playwright) and the Firefox tests (WebDriver) check exactly the same things. Each takes one
// plain argument and returns plain data.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './harness.mjs';

/** axe-core's source, to run in a page. */
export const AXE = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The first screens' must-haves: what the page is, a lesson, its Run. */
export const FRONT_DOOR = ['h1', 'header .intro', '.preset-pick.selected', '#run-preset'];

/** Where each selector's element lies against the first viewport, unscrolled: "in", or why not. */
export function whereOnFirstScreen(selectors) {
  return Object.fromEntries(selectors.map(s => {
    const el = document.querySelector(s);
    if (!el) return [s, 'missing'];
    const r = el.getBoundingClientRect();
    const inside = r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight
      && r.left >= 0 && r.right <= window.innerWidth;
    return [s, inside ? 'in' : `at x ${Math.round(r.left)}–${Math.round(r.right)}, y ${Math.round(r.top)}–${Math.round(r.bottom)} of ${window.innerWidth} × ${window.innerHeight}`];
  }));
}

/** The page as a visitor sees it first: its title, heading, first sentence, and how wide it is. */
export function firstLook() {
  return {
    title: document.title,
    h1: document.querySelector('h1')?.textContent,
    intro: document.querySelector('header .intro')?.textContent,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    scriptTop: document.querySelector('#script')?.getBoundingClientRect().top ?? null,
    height: window.innerHeight,
  };
}

/** The accessible names of the timeline buttons. */
export function timelineNames() {
  return [...document.querySelectorAll('button.show-timeline')].map(b => b.getAttribute('aria-label') ?? b.textContent);
}

/** The quick run's engines, as its rows name them. */
export function quickEngines() {
  return [...document.querySelectorAll('#quick-results tbody th[scope=row]')].map(th => th.firstChild.textContent.trim());
}

/** The live region's words. */
export function announced() {
  return document.querySelector('#announcer')?.textContent ?? '';
}

/** The texts of an SVG (`selector`) whose drawn boxes overlap, pairwise, by more than half a
 * px, or reach past the SVG's edges (where they are cut off). */
export function overlappingTexts(selector) {
  const svg = document.querySelector(selector);
  if (!svg) return { texts: 0, overlaps: ['no ' + selector] };
  const boxes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => ({ text: t.textContent.trim(), r: t.getBoundingClientRect() }));
  const overlaps = [];
  const by = 0.5;
  const frame = svg.getBoundingClientRect();
  for (const { text, r } of boxes) {
    if (r.left < frame.left - by || r.right > frame.right + by || r.top < frame.top - by || r.bottom > frame.bottom + by) {
      overlaps.push(`"${text}" past the edge`);
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i].r, boxes[j].r];
      if (a.left + by < b.right && b.left + by < a.right && a.top + by < b.bottom && b.top + by < a.bottom) {
        overlaps.push(`"${boxes[i].text}" and "${boxes[j].text}"`);
      }
    }
  }
  return { texts: boxes.length, overlaps };
}

/** Tap targets (buttons, links, inputs, selects, summaries) smaller than 24 px either way. */
export function smallTargets() {
  return [...document.querySelectorAll('button, a[href], input, select, summary, textarea, label.choice')]
    .filter(el => el.getClientRects().length > 0 && !el.closest('.visually-hidden, .skip-link'))
    .map(el => ({ el, r: (el.closest('label') ?? el).getBoundingClientRect() }))
    .filter(({ el, r }) => (r.width < 24 || r.height < 24) && !(el.type === 'checkbox' || el.type === 'radio'))
    .map(({ el, r }) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.textContent.trim().slice(0, 20)} ${Math.round(r.width)}×${Math.round(r.height)}`);
}

/** Clicks `selector`'s element, as WebDriver's page functions must. */
export function click(selector) {
  document.querySelector(selector).click();
}

/** Sets a field's value as typing or dragging would: `input`, then `change`. */
export function setValue([selector, value]) {
  const el = document.querySelector(selector);
  el.value = String(value);
  el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Whether no run is going. */
export function idle() {
  return document.querySelector('main')?.dataset.running === 'false';
}
