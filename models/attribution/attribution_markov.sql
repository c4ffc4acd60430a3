-- Markov: each conversion's credit goes to the states on its path in proportion
-- to their removal effects (weights.attribution_weights, learned from every
-- journey of the conversion's cycle, converting or not), and within a state equally
-- to that state's touches on the path. When every state on a path has a removal
-- effect of 0, the path's touches share the credit equally (linear).
{{ attribution_mart(weights='markov') }}
