/**
 * A strict well-formedness check for the XML the postmortem writes (its SVG, and its HTML, which is
 * written as well-formed XML): balanced elements, quoted and unique attributes, only the five
 * predefined entities and numeric references, no stray `<` or `&`. Returns the problems (empty when
 * well formed) and every element with its attributes, for tests that look for what must not be there.
 */
export interface MarkupElement {
  name: string;
  attributes: Record<string, string>;
  /** Text directly inside a raw-text element (style), for checks on its content. */
  rawText?: string;
}

export interface MarkupReport {
  problems: string[];
  elements: MarkupElement[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const RAW_TEXT = new Set(['style', 'script']);

function checkText(text: string, where: number, problems: string[]): void {
  for (let index = text.indexOf('&'); index !== -1; index = text.indexOf('&', index + 1)) {
    if (!ENTITY.test(text.slice(index))) problems.push(`a bare & at ${where + index}: ${JSON.stringify(text.slice(index, index + 12))}`);
  }
}

function parseAttributes(source: string, where: number, problems: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  let rest = source;
  for (;;) {
    rest = rest.replace(/^\s+/, '');
    if (rest === '') return attributes;
    const match = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
    if (!match) {
      problems.push(`a malformed attribute at ${where}: ${JSON.stringify(rest.slice(0, 40))}`);
      return attributes;
    }
    const [whole, name = '', , double, single] = match;
    const value = double ?? single ?? '';
    if (name in attributes) problems.push(`attribute ${name} twice at ${where}`);
    checkText(value, where, problems);
    attributes[name] = value;
    rest = rest.slice(whole.length);
  }
}

export function checkMarkup(source: string): MarkupReport {
  const problems: string[] = [];
  const elements: MarkupElement[] = [];
  const open: string[] = [];
  let index = 0;
  const doctype = /^<!DOCTYPE html>\s*/.exec(source);
  if (doctype) index = doctype[0].length;
  let rootClosed = false;
  while (index < source.length) {
    const lt = source.indexOf('<', index);
    const text = source.slice(index, lt === -1 ? source.length : lt);
    checkText(text, index, problems);
    if (open.length === 0 && text.trim() !== '') problems.push(`text ${rootClosed ? 'after' : 'before'} the root element at ${index}`);
    if (lt === -1) break;
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      if (end === -1) return { problems: [...problems, `an unclosed comment at ${lt}`], elements };
      index = end + 3;
      continue;
    }
    const gt = source.indexOf('>', lt);
    if (gt === -1) return { problems: [...problems, `an unclosed tag at ${lt}`], elements };
    const tag = source.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const expected = open.pop();
      if (name !== expected) problems.push(`</${name}> at ${lt} closes <${expected ?? 'nothing'}>`);
      if (open.length === 0) rootClosed = true;
      index = gt + 1;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const name = NAME.exec(tag)?.[0];
    if (!name) {
      problems.push(`a malformed tag at ${lt}: ${JSON.stringify(tag.slice(0, 40))}`);
      index = gt + 1;
      continue;
    }
    if (rootClosed) problems.push(`a second root element <${name}> at ${lt}`);
    const element: MarkupElement = { name, attributes: parseAttributes(tag.slice(name.length, selfClosing ? -1 : undefined), lt, problems) };
    elements.push(element);
    index = gt + 1;
    if (selfClosing) {
      if (open.length === 0) rootClosed = true;
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = source.indexOf(`</${name}>`, index);
      if (close === -1) return { problems: [...problems, `<${name}> at ${lt} is never closed`], elements };
      element.rawText = source.slice(index, close);
      if (element.rawText.includes('<')) problems.push(`a < inside <${name}> at ${lt}`);
      index = close + name.length + 3;
      if (open.length === 0) rootClosed = true;
      continue;
    }
    open.push(name);
  }
  if (open.length > 0) problems.push(`unclosed elements: ${open.join(' > ')}`);
  if (!rootClosed) problems.push('no root element');
  return { problems, elements };
}
