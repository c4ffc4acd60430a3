-- Shapley: each conversion's credit goes to its path's channels in proportion to
-- their exact Shapley values (weights.attribution_weights), and within a channel
-- equally to its touches. A channel whose value is <= 0 gets no credit; when every
-- channel on a path is <= 0, the path's touches share the credit equally (linear).
{{ attribution_mart(weights='shapley') }}
