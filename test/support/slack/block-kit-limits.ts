/**
 * Slack's Block Kit limits for a message, checked on what the bot sends (Block Kit reference:
 * blocks, composition objects, block elements). Each problem is one line naming the path.
 */
const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;
const text = (value: unknown): string => (value && typeof value === 'object' && typeof (value as Json).text === 'string' ? ((value as Json).text as string) : '');

function checkButton(button: Json, path: string, problems: string[]): void {
  const over = (what: string, value: string, max: number) => value.length > max && problems.push(`${path}.${what}: ${value.length} > ${max}`);
  over('text', text(button.text), LIMITS.buttonText);
  over('value', String(button.value ?? ''), LIMITS.buttonValue);
  over('action_id', String(button.action_id ?? ''), LIMITS.actionId);
  const confirm = button.confirm as Json | undefined;
  if (confirm) {
    over('confirm.title', text(confirm.title), LIMITS.confirmTitle);
    over('confirm.text', text(confirm.text), LIMITS.confirmText);
    over('confirm.confirm', text(confirm.confirm), LIMITS.confirmButton);
    over('confirm.deny', text(confirm.deny), LIMITS.confirmButton);
    if (confirm.style !== undefined && confirm.style !== 'primary' && confirm.style !== 'danger') problems.push(`${path}.confirm.style: ${String(confirm.style)}`);
  }
}

/** Every way `message` (chat.postMessage / chat.update arguments) breaks Slack's limits; [] when none. */
export function blockKitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof message.text === 'string' && message.text.length > LIMITS.messageText) problems.push(`text: ${message.text.length} > ${LIMITS.messageText}`);
  const blocks = (Array.isArray(message.blocks) ? message.blocks : []) as Json[];
  if (blocks.length > LIMITS.blocks) problems.push(`blocks: ${blocks.length} > ${LIMITS.blocks}`);
  blocks.forEach((block, index) => {
    const path = `blocks[${index}] (${String(block.type)})`;
    if (typeof block.block_id === 'string' && block.block_id.length > LIMITS.blockId) problems.push(`${path}.block_id too long`);
    switch (block.type) {
      case 'header':
        if (text(block.text).length > LIMITS.headerText) problems.push(`${path}.text: ${text(block.text).length} > ${LIMITS.headerText}`);
        if ((block.text as Json).type !== 'plain_text') problems.push(`${path}.text must be plain_text`);
        break;
      case 'section': {
        if (text(block.text).length > LIMITS.sectionText) problems.push(`${path}.text: ${text(block.text).length} > ${LIMITS.sectionText}`);
        const fields = (block.fields ?? []) as Json[];
        if (fields.length > LIMITS.sectionFields) problems.push(`${path}.fields: ${fields.length} > ${LIMITS.sectionFields}`);
        fields.forEach((field, i) => text(field).length > LIMITS.fieldText && problems.push(`${path}.fields[${i}]: ${text(field).length} > ${LIMITS.fieldText}`));
        if (!block.text && fields.length === 0) problems.push(`${path}: neither text nor fields`);
        break;
      }
      case 'context': {
        const elements = (block.elements ?? []) as Json[];
        if (elements.length > LIMITS.contextElements) problems.push(`${path}.elements: ${elements.length} > ${LIMITS.contextElements}`);
        elements.forEach((element, i) => text(element).length > LIMITS.contextText && problems.push(`${path}.elements[${i}]: ${text(element).length} > ${LIMITS.contextText}`));
        break;
      }
      case 'actions': {
        const elements = (block.elements ?? []) as Json[];
        if (elements.length > LIMITS.actionsElements) problems.push(`${path}.elements: ${elements.length} > ${LIMITS.actionsElements}`);
        if (elements.length === 0) problems.push(`${path}: no elements`);
        elements.forEach((element, i) => checkButton(element, `${path}.elements[${i}]`, problems));
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
