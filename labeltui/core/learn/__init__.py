"""Active learning for `annotate --learn` (issue 18 item 3): a text model fitted in the
background on the annotator's saves suggests answers for `choice` and `multi_choice` tasks and
says which items it is least sure about.

- `uncertainty`: entropy, least confidence, margin (0 sure .. 1 unsure).
- `model`: hashed word n-grams + naive Bayes (one yes/no model per label for multi_choice).
- `worker`: the jobs and results, and the loop the worker process runs.
- `client`: the session's side (`LearnerProcess`; `InlineLearner` for tests).

The session that uses them is `core.learn_session.LearnSession`. scikit-learn (the optional
extra `labeltui[learn]`) is imported only inside the worker, when it fits.
"""
