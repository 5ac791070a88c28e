"""Reviewing several annotators' answers: `load` reads and joins their files, `compare` scores
and normalises answers, `session` is the queue and the gold file a reviewer writes."""
