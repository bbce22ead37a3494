/**
 * The synthesis's text as it is being written, kept by the run's RunEvents object (in memory: deltas
 * never cost a D1 write), and what each client still has to be sent of it.
 *
 * Every attempt of the synthesis step starts a new generation. A client that saw an earlier generation
 * (or may have: a resumed connection, or any generation after the first) first gets `synthesis.reset`,
 * then the current text; after that, each new piece. So for every client the deltas after its last
 * reset add up to the text, which at the end is exactly the answer.
 */

/** How far one client has got: the generation it follows and how many of its characters it has. */
export interface SynthesisCursor {
	generation: number;
	chars: number;
}

export const NO_SYNTHESIS: SynthesisCursor = { generation: 0, chars: 0 };

/** A live-only progress event of the synthesis, before it gets the client's seq and the time. */
export type SynthesisEvent =
	| { type: "synthesis.reset"; data: Record<string, never> }
	| { type: "synthesis.delta"; data: { text: string } };

export class SynthesisText {
	generation = 0;
	text = "";

	/** A new attempt starts; returns its generation, which its pieces must carry. */
	start(): number {
		this.generation += 1;
		this.text = "";
		return this.generation;
	}

	/**
	 * Adds a piece at `offset` of generation `generation`. A piece of an older generation, or one that
	 * does not continue the text (a batch lost on the way), is refused: `finish` repairs the text.
	 */
	append(generation: number, offset: number, piece: string): boolean {
		if (generation !== this.generation || offset !== this.text.length) return false;
		this.text += piece;
		return true;
	}

	/**
	 * The attempt's final answer. An answer that continues the streamed text is its last piece (the relay
	 * sends no batch of its own for what it still held). Otherwise (a piece was lost, or the model wrote
	 * the answer as JSON) the answer becomes a new generation: clients reset and get it whole.
	 */
	finish(generation: number, answer: string): void {
		if (generation !== this.generation || this.text === answer) return;
		if (!answer.startsWith(this.text)) this.generation += 1;
		this.text = answer;
	}

	/**
	 * What a client at `cursor` has not had yet, and its new cursor. `resumed`: the client may hold text
	 * from before this connection (it reconnected), so it resets before anything it gets.
	 */
	since(cursor: SynthesisCursor, resumed: boolean): { events: SynthesisEvent[]; cursor: SynthesisCursor } {
		if (this.generation === 0) return { events: [], cursor };
		const events: SynthesisEvent[] = [];
		let chars = cursor.chars;
		if (cursor.generation !== this.generation) {
			if (cursor.generation > 0 || this.generation > 1 || resumed) events.push({ type: "synthesis.reset", data: {} });
			chars = 0;
		}
		if (this.text.length > chars) events.push({ type: "synthesis.delta", data: { text: this.text.slice(chars) } });
		return { events, cursor: { generation: this.generation, chars: this.text.length } };
	}
}
