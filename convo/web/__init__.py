"""`convo web`: the carer's self-assessment as plain server-rendered web pages over the same engine
and store, one question a page, usable without JavaScript, in the patterns of public-service forms."""
