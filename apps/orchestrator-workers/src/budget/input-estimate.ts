/**
 * How many tokens a prompt may be, before it is sent: the budget gate reserves this plus the call's
 * maximum output. Exact counts need the model's tokenizer, which a Worker does not have, so this is a
 * deliberately high character count.
 *
 * Error bound: byte-level BPE tokenizers (Llama 3, GPT) average about 4 characters per token on
 * English text and about 3 on code or JSON, so dividing by 3 overestimates those by up to a third.
 * Text that packs more tokens per character (CJK, emoji, long digit runs: 1 to 2 characters a token)
 * can exceed the estimate by up to 3 times; that, and the chat template's few tokens per message
 * (covered by the fixed allowance below), is the most one call may overrun the budget by.
 */
import type { BuiltPrompt } from "@ow/prompts";

export const CHARS_PER_TOKEN = 3;
/** The chat template's role markers and separators for a system and a user message. */
export const MESSAGE_OVERHEAD_TOKENS = 16;

export function estimateInputTokens(prompt: BuiltPrompt): number {
	return Math.ceil((prompt.instructions.length + prompt.prompt.length) / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS;
}
