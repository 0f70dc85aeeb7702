"""The words and patterns the rule checks look for, kept apart from the rules' logic.

Each list is what one article rule means in practice; extend a list rather than
a rule when a new phrasing turns up.
"""

from __future__ import annotations

import re

from .text import NUMBER_WORDS

HIRE = re.compile(r"\b(hired|hire|join|joining)\b", re.IGNORECASE)

TITLE = re.compile(r"\b(?:promoted to|promotion to|become|step up to|move up to)\s+(?:an?\s+|the\s+)?(.+)$", re.I)

SALARY = re.compile(
    r"\b(salary|salaries|paycheck|pay rise|pay raise|a raise|bonus(es)?|money|income|compensation|"
    r"six[- ]figures?|wealth|wealthy|rich|earn more|higher pay|well[- ]paid|pay grade|benefits package)\b"
    r"|[$€£]\s?\d",
    re.IGNORECASE,
)

# Single words of salary talk, steered away from in generation (SALARY judges the result).
RED_FLAG_WORDS = ("salary", "salaries", "paycheck", "bonus", "money", "income", "compensation", "wealthy")

LOCATION = re.compile(
    r"\b(relocat\w*|move to|moving to|live in|living in|work remotely|remote work|work from home|"
    r"transfer to (the )?\w+ office|abroad|overseas|corner office)\b",
    re.IGNORECASE,
)

COMPANY_AS_GOAL = re.compile(
    r"\b(get hired|be hired|getting hired|land (a|the) job|join|work (at|for)|stay (at|with)|be employed)\b",
    re.IGNORECASE,
)

TODO_OPENINGS = re.compile(
    r"^(to\s+)?(learn|study|complete|finish|attend|apply|pass|read|take|shadow|get hired|join|start|begin|"
    r"practi[cs]e|research|sign up|enrol+|meet|onboard|settle in|get to know|prepare|find)\b",
    re.IGNORECASE,
)

SHORT_HORIZON = re.compile(
    r"\b(this (week|month|quarter|year)|next (week|month|quarter)|first (\d+|ninety|thirty|sixty) days|"
    r"(in|within) (a|\d+|" + "|".join(NUMBER_WORDS[1:]) + r") (weeks?|months?))\b",
    re.IGNORECASE,
)

ACTION_VERBS = frozenset(
    """learn master lead earn win get build mentor launch complete present become design take run grow improve
    train deliver open manage coach expand create develop suggest identify gain start own represent publish
    teach reduce increase achieve pass study shadow introduce streamline move step found precept join apply
    secure land obtain finish write organise organize plan establish implement automate migrate ship close
    sign recruit hire negotiate certify qualify complete attend volunteer propose pitch research analyse
    analyze audit redesign standardise standardize speak host serve support oversee direct head supervise
    coordinate grow transition qualify contribute partner collaborate set drive raise cut save double triple
    document map pilot test measure enroll enrol adopt apply conduct facilitate""".split()
)

# The verbs a resume's deeds open with, across trades, care, office, field and desk work. A
# line that opens with a word that can be a verb but names a thing ("Site
# inspections…", "Key worker for 12 young people", "Home visits") is no deed to say "I …" before.
DEED_VERBS = ACTION_VERBS | frozenset(
    """accompany account achieve acquire act adapt add address adjust administer advise advocate align allocate
    answer anticipate appraise approve arrange assemble assess assign assist attend authorise authorize bake
    balance bathe bill book brief budget calculate calibrate care carry catalogue catalog change chair check
    clean clear code collect combine commission communicate compile compose compute conceive configure
    connect conserve consolidate construct consult convert cook correct counsel count cover craft cultivate
    curate customise customize debug decorate define delegate demolish demonstrate deploy deputise deputize
    detect determine devise diagnose dig dispatch dispense display distribute draft draw dress drill edit
    educate empower enable encourage engage engineer ensure enter estimate evaluate examine execute expedite
    explain fabricate feed file fill film finance fit fix forecast forge form format fulfil fulfill gather
    generate greet groom guide handle harvest haul help hold identify illustrate induct influence inform
    initiate inspect install instruct integrate interpret interview inventory investigate issue keep label
    lay liaise lift load locate log lower maintain make market mediate merchandise milk mix model moderate
    modernise modernize monitor motivate mow navigate nurse observe operate order outline overhaul pack
    paint participate patrol perform photograph pick place plant plaster plumb polish post pour prepare
    prescribe price print prioritise prioritize process procure produce program programme promote protect
    prove provide prune purchase put quote rebuild receive reconcile record recover rectify refer refine
    refurbish register rehabilitate reinstate relocate remodel remove renovate repair replace replenish
    report rescue resolve respond restock restore retain retrieve review revise rewire route sanitise
    sanitize schedule score screen sell send service set shape share shape sort source spray stabilise
    stabilize staff stock store strengthen structure style submit summarise summarize survey sustain
    tailor tend track transcribe transform translate transport treat trim troubleshoot tutor type unload
    update upgrade use validate value verify visit wash weld welcome wire work""".split()
)

VAGUE_GOALS = re.compile(
    r"^(to\s+)?(work hard(er)?|do (my|your) best|be (successful|happy|better|great|the best)|succeed|"
    r"grow as an? [\w-]+|improve (myself|yourself)|keep learning|gain experience|"
    r"(keep|continue) (growing|learning|improving)\b.*|get better|be a team player)\W*$",
    re.IGNORECASE,
)

AID_WORDS = re.compile(
    r"\b(help|helps|(?:support|supports) (?:me|my)|train|training|mentor\w*|coach\w*|program\w*|opportunit\w*|"
    r"give|gives|offer|offers|guidance|resources|teach\w*|develop\w*|invest\w*|grow|growth|learn|"
    r"culture|team|teams|path|paths)\b",
    re.IGNORECASE,
)

FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me)\b", re.IGNORECASE)

FORWARD = re.compile(
    r"\b(would like|['\u2019]d like|want|wants|see myself|hope|aspire|aim|plan|goal|will|envision|intend|looking to|"
    r"next|future|years?|grow into|work toward|build toward|towards?|eventually)\b",
    re.IGNORECASE,
)

# Mid-sentence capitalised words that are not names of anything the candidate did.
COMMON_CAPITALS = frozenset(
    """i i'm i've i'd i'll english monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december""".split()
)

YEARS_OF_EXPERIENCE = re.compile(
    r"\b(\d+|" + "|".join(NUMBER_WORDS[1:]) + r"|a dozen|dozens of)\+?\s+years?\s+of\b", re.IGNORECASE
)

TEMPLATE_MARKERS = re.compile(
    r"(self_assessment|growth_areas|company_support|\bjson\b|</?resume>|</?job_description>|"
    r"\bthe candidate\b|candidate's|target company:|interview question:|role applied for:|as an ai\b|"
    r"language model|career coach|<\|im_(start|end)\|>|\[/?inst\])",
    re.IGNORECASE,
)

INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\b[^\n]{0,60}\b(instructions?|prompts?|rules|above)|"
    r"^\s*(system|assistant)\s*:|<\|im_start\|>|\[inst\]|new instructions?",
    re.IGNORECASE | re.MULTILINE,
)

PAYLOAD = re.compile(
    r"[\"\u201c']([^\"\u201d'\n]{3,80})[\"\u201d']|\b(?:say|write|respond with|reply with|output|include)\s+"
    r"(?:the (?:word|phrase|words)\s+)?([A-Za-z][\w ]{2,40}?)(?:[.,;!\n]|$)",
    re.IGNORECASE,
)

LEAVING = re.compile(
    r"\b(leave (the company|after|within|in a)|move on|moving on|stepping[- ]stone|a year or two|"
    r"start my own (business|company|firm|agency|practice)|open my own|my own (business|company)|"
    r"(go|going) back to school full[- ]time|until i find|switch careers|change careers|retire early)\b",
    re.IGNORECASE,
)

INTERVIEWERS_JOB = re.compile(
    r"\b(your (job|position|role|seat|chair)|replace you|take over (from )?you|be your boss|"
    r"the interviewer's (job|role)|sitting where you are)\b",
    re.IGNORECASE,
)

UNRELATED_FIELDS = re.compile(
    r"\b(actor|actress|acting career|musician|rock star|professional athlete|pro athlete|influencer|"
    r"youtuber|politician|novelist|(?:an?|airline|commercial|become an?) pilot|astronaut|movie star|film star|"
    r"celebrity)\b",
    re.IGNORECASE,
)

# "I earned a front-desk lead certification": a credential claimed as done.
CREDENTIAL_CLAIM = re.compile(
    r"\bI(?: have|'ve|\u2019ve)? (?:earned|completed|obtained|received|gained|hold|passed|got) "
    r"(?:a |an |my |the )?((?:[\w&+'-]+ ){0,5}?(?:certification|certificate|licen[cs]e|degree|diploma|"
    r"credential|qualification)s?)\b",
    re.IGNORECASE,
)


def injected_payloads(resume: str) -> list[str]:
    """What instructions inside a resume ask to be written: quoted text, or the words after "say"/"write"."""
    payloads = []
    for line in resume.splitlines():
        if INJECTION.search(line):
            for match in PAYLOAD.finditer(line):
                payload = (match.group(1) or match.group(2) or "").strip()
                if payload and not INJECTION.search(payload):
                    payloads.append(payload)
    return payloads
