/**
 * Shared types of the scripted OpenAI-compatible model server: what a request looks like once parsed,
 * what a responder may answer, and the server's public handle.
 */

/** A JSON Schema as sent in `response_format.json_schema.schema`; kept loose because any schema may arrive. */
export type JsonSchema = { [key: string]: unknown };

/** One part of a multi-part message content, as the OpenAI chat format allows. */
export interface ChatContentPart {
	type: string;
	text?: string;
	[key: string]: unknown;
}

/** One chat message as the provider sends it. */
export interface ChatMessage {
	role: string;
	content?: string | ChatContentPart[] | null;
	[key: string]: unknown;
}

/** The `response_format` field: a strict JSON schema (structured outputs) or plain JSON mode. */
export type ChatResponseFormat =
	| { type: "json_schema"; json_schema: { name?: string; schema?: JsonSchema; strict?: boolean; description?: string } }
	| { type: "json_object" }
	| { type: "text" };

/** The JSON body of `POST /v1/chat/completions`, as far as the server understands it. */
export interface ChatRequestBody {
	model: string;
	messages: ChatMessage[];
	response_format?: ChatResponseFormat;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
	max_tokens?: number;
	temperature?: number;
	[key: string]: unknown;
}

/** The parsed body plus the fields tests usually want, so responders need not dig through `messages`. */
export interface ChatRequest extends ChatRequestBody {
	/** Every system message's text, joined with blank lines. */
	system: string;
	/** Every user message's text, joined with blank lines. */
	user: string;
	/** `response_format.json_schema.schema`, or null when no schema was asked for. */
	jsonSchema: JsonSchema | null;
	/** `response_format.json_schema.name`, or null. */
	schemaName: string | null;
	/** The HTTP request's headers, lower-cased names (what a provider sees, the API key included). */
	headers: Record<string, string>;
}

/** Where a call sits in the run: lets a responder answer the first call differently from the second. */
export interface ResponderContext {
	/** The label `classify` gave this request. */
	label: string;
	/** 0-based index of this call among all calls since start or the last reset. */
	callIndex: number;
	/** 0-based index of this call among calls with the same label. */
	labelCallIndex: number;
}

/** Token counts that replace the server's deterministic estimate for one reply. */
export interface UsageOverride {
	prompt_tokens: number;
	completion_tokens: number;
}

/** Fields every reply may carry. */
export interface ReplyTiming {
	/** Extra latency for this reply, on top of `ModelServerOptions.latencyMs`. */
	delayMs?: number;
}

/** Fields of replies that carry content (200 answers). */
export interface ContentReplyFields extends ReplyTiming {
	/** Replaces the estimated usage; `null` omits the usage field so callers see "usage unknown". */
	usage?: UsageOverride | null;
	/** `finish_reason`, "stop" unless given (use "length" to script a truncated answer). */
	finishReason?: string;
	/** How the answer streams when the request asked to stream (ignored otherwise). */
	stream?: StreamPacing;
}

/** Shape of a streamed answer: chunk size, pace, and an optional connection drop part way through. */
export interface StreamPacing {
	/** Characters per content chunk; 32 unless given. */
	chunkChars?: number;
	/** Pause before each content chunk, in milliseconds, so a client can watch the answer arrive. */
	chunkDelayMs?: number;
	/**
	 * Destroys the socket after this many content chunks, without the finish chunk or `[DONE]`: a
	 * provider that fails mid-stream, after the 200 status was sent.
	 */
	dropAfterChunks?: number;
	/**
	 * Sends an error chunk (`data: {"error": {…}}`, as OpenAI does for a server error mid-stream) after
	 * this many content chunks, then ends the response without the finish chunk or `[DONE]`.
	 */
	failAfterChunks?: number;
}

/** A 200 answer whose content is `JSON.stringify(value)`. */
export interface JsonReply extends ContentReplyFields {
	kind: "json";
	value: unknown;
}

/** A 200 answer with free text content. */
export interface TextReply extends ContentReplyFields {
	kind: "text";
	text: string;
}

/** A 200 answer whose content is not valid JSON, to exercise the caller's parse-failure path. */
export interface MalformedReply extends ContentReplyFields {
	kind: "malformed";
	/** The broken content; `{"subtasks": [oops` unless given. */
	content?: string;
}

/** An HTTP error in OpenAI's error format; 429 with `retryAfterSeconds` sets `Retry-After`. */
export interface ErrorReply extends ReplyTiming {
	kind: "error";
	status: number;
	/** Replaces the default `{error:{message,type,code}}` body; a string is sent verbatim. */
	body?: unknown;
	/** Message of the default body. */
	message?: string;
	retryAfterSeconds?: number;
}

/** Never answers until the client gives up or the server closes: a timeout injection. */
export interface HangReply extends ReplyTiming {
	kind: "hang";
}

/** Destroys the socket without answering: a dropped connection. */
export interface DisconnectReply extends ReplyTiming {
	kind: "disconnect";
}

/** Everything a responder (or `failNext`) can make the server do. */
export type Reply = JsonReply | TextReply | MalformedReply | ErrorReply | HangReply | DisconnectReply;

/** Decides the reply to one chat completion request. */
export type Responder = (request: ChatRequest, ctx: ResponderContext) => Reply | Promise<Reply>;

/** Assigns a label to a request; counters, `failNext` and `byLabel` work per label. */
export type Classifier = (request: ChatRequest) => string;

/** Live call statistics; mutated in place, so a held reference stays current. */
export interface ModelServerCounters {
	/** Chat completion calls since start or the last reset. */
	calls: number;
	byLabel: Record<string, number>;
	/** Calls whose response has not finished (or whose client has not gone away) yet. */
	inFlight: number;
	inFlightByLabel: Record<string, number>;
	/** The most concurrent calls observed, overall and per label: the concurrency-limit assertion. */
	maxInFlight: number;
	maxInFlightByLabel: Record<string, number>;
	/** Replies taken from the `failNext` queue. */
	failuresInjected: number;
}

/** One call as received, for assertions on what the product sent. */
export interface RecordedRequest {
	label: string;
	/** The raw parsed JSON body. */
	body: ChatRequestBody;
	/** `Date.now()` when the body had been read. */
	receivedAt: number;
}

/** How to start the server. */
export interface ModelServerOptions {
	/** Port on 127.0.0.1; 0 (any free port) unless given. */
	port?: number;
	/** Answers every call no queued failure answers; `genericResponder` unless given. */
	responder?: Responder;
	/** Labels requests; every request is "default" unless given. */
	classify?: Classifier;
	/** Latency added to every call, in milliseconds. */
	latencyMs?: number;
	/** `false` omits the usage field from every answer. */
	usage?: boolean;
	/** Model ids listed by `GET /v1/models`; ["big", "small"] unless given. */
	models?: string[];
}

/** A running scripted model server. */
export interface ModelServer {
	/** `http://127.0.0.1:PORT`. */
	url: string;
	/** `url + "/v1"`: what the OpenAI-compatible provider takes as `baseURL`. */
	baseURL: string;
	port: number;
	counters: ModelServerCounters;
	requests: RecordedRequest[];
	/** Replaces the responder for later calls. */
	setResponder(responder: Responder): void;
	/** Queues `reply` for the next `times` calls labelled `label`, ahead of the responder (FIFO). */
	failNext(label: string, reply: Reply, times?: number): void;
	/** Registers a scenario (see scenarios.ts); the same as `POST /__scenarios`. */
	defineScenario(definition: ScenarioDefinition): void;
	/** A scenario's counters; the same as `GET /__scenarios/:id`. */
	scenarioStats(id: string): ScenarioStats | undefined;
	/** Zeroes the counters and clears queued failures, scenarios and recorded requests. */
	reset(): void;
	/** Stops listening and destroys open sockets, hanging calls included. */
	close(): Promise<void>;
}

// Scenarios (see scenarios.ts): scripts registered over HTTP.

export interface ScenarioRule {
	/** Text that must occur in the request's system or user text; "" matches everything. */
	match: string;
	/**
	 * Only requests sent with this `seed` (the sampling seed in the body) match: tells apart calls with
	 * the same prompt, such as an ensemble's samples.
	 */
	seed?: number;
	replies: Reply[];
}

export interface ScenarioFaults {
	/** Share of calls that fail, 0..1. */
	rate: number;
	/** Picks which call indices fail; 1 unless given. */
	seed?: number;
	/** What a faulted call answers; a 500 unless given. */
	reply?: Reply;
}

export interface ScenarioDefinition {
	id: string;
	rules: ScenarioRule[];
	faults?: ScenarioFaults;
}

export interface ScenarioStats {
	id: string;
	calls: number;
	inFlight: number;
	maxInFlight: number;
	/** Calls answered by `faults` instead of a rule. */
	faultsInjected: number;
	/**
	 * Tokens the scenario's answers served, prompt plus completion, as their usage says (or would say,
	 * where a reply reports none): what a budget test compares with the budget. Errors serve none.
	 */
	tokensServed: number;
	/**
	 * Per rule; `lastUser` is the user text of the rule's latest call and `lastBody` its whole request
	 * body, for asserting what was sent.
	 */
	rules: { match: string; calls: number; maxInFlight: number; lastUser: string | null; lastBody: unknown }[];
}
