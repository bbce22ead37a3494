-- Agentic browser subtasks: where the agent is (iteration of maxIterations) and the actions it took,
-- written as it goes so a failed subtask keeps its partial actions.
ALTER TABLE subtasks ADD COLUMN progress TEXT;  -- JSON {iteration, maxIterations}
ALTER TABLE subtasks ADD COLUMN actions TEXT;   -- JSON array of agent steps
