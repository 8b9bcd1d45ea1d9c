"""Noticing: alerts for disclosures and risk to life, quiet concerns, no alarm on figures of speech,
the practitioner's own words never alerting, and suggestions about people that respect who they are."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from convo.engine import outputs as out
from convo.notice import detector
from convo.notice import model as concern_model
from convo.notice.detector import ALERT, CONCERN, Context, hear
from convo.notice.patterns import load_patterns
from convo.notice.taxonomy import taxonomy
from convo.notice.text import normalise
from convo.records import Audience
from tests.unit.hearing import alerts

DATA = Path(__file__).resolve().parents[2] / "data" / "notice"


# Indirect phrasings, one or more for each kind of concern; none uses the word "abuse".
@pytest.mark.parametrize("text, category", [
    ("my son has my pension card and I never see the money", "financial"),
    ("the lodger keeps my giro and gives me a tenner when he feels like it", "financial"),
    ("He has my card for the shopping and I don't see much of my pension now, but he's a good boy really",
     "financial"),
    ("I hardly see any of my money since she took over the bills", "financial"),
    ("sometimes I think I can't go on", "risk_to_life"),
    ("I don't want to go on", "risk_to_life"),
    ("I feel like ending it", "risk_to_life"),
    ("Honestly some days I wonder what I'm still here for. The dog keeps me going.", "risk_to_life"),
    ("I don't know why I'm still here", "risk_to_life"),
    ("they'd all be better off without me", "risk_to_life"),
    ("I've been saving up my tablets in the drawer", "risk_to_life"),
    ("he won't let me go out unless he's with me", "domestic_abuse"),
    ("he checks my phone every night", "domestic_abuse"),
    ("they've been staying at mine for weeks and I can't get them to leave, people coming and going all night",
     "exploitation"),
    ("she left me in my wet pad all day yesterday", "neglect"),
    ("I haven't eaten for days and the heating's been off since October", "self_neglect"),
    ("I'm frightened of what I might do to him some nights", "carer_breakdown"),
    ("They fleeced me at cards till my whole pension was gone", "financial"),
    ("He takes all my money at cards and I can't afford the gas", "financial"),
    ("I'm done with physio and I'm done with everything else too.", "risk_to_life"),
])
def test_indirect_disclosures_alert_with_their_category(text, category):
    assert category in alerts(text)


@pytest.mark.parametrize("text", [
    "I hit my head when I fell",
    "I push the trolley to the shop",
    "she's frightened of falling again",
    "my feet are killing me",
    "I could murder a cup of tea",
    "I'm dying to see the grandchildren",
    "I can't go on the bus on my own any more",
    "we hit the shops every Saturday",
    "the grab rail by the bath is loose",
    "she bruises easily because of the warfarin",
    "My son pushes me round Tesco in the wheelchair",
    "I'm at the end of my rope with this washing machine",
    "I can't go on like this with the bus, two changes to get to the hospital",
    "Dw i ddim eisiau bod yn faich, dw i eisiau gwneud pethau fy hun",
    "I don't have my card with me, it's in the other bag",
    "she hasn't got her purse on her, she left it in the car",
    "I hit the ceiling when I saw the gas bill",
    "I don't see much of my grandson now he's at college",
    "Why am I still here at the hospital, they said two o'clock",
    "I'm still here, touch wood, eighty-nine next week",
    "She fleeced me at crib last night, the cheek.",
    "The kids at the club robbed us blind at bingo, lucky devils.",
    "I stood on the platform for an hour, the train was cancelled.",
    "I'm done with physio, done, I've had my ten weeks and I walk better than I did, so I'm signing myself off.",
    "I'm finished with Facebook, absolutely finished, my cousin keeps tagging me in photos.",
    "Lol no I'm not dead yet, just been busy. Can we do this after the quiz?",
])
def test_figures_of_speech_and_accidents_never_alert(text):
    assert alerts(text) == []


# On a falls call, fear of another fall and what it makes a person do (stay in, keep downstairs, not
# bath) read like someone being kept in; said so, it is the fall they fear, not anyone. Answers of the
# kind written for the figure, none of them in the corpus.
FALLS_CALLS = [
    ("person", "Since the fall she's frightened to go out, she stays in all day now."),
    ("person", "I'm scared of falling again so I don't go upstairs, I sleep in the chair."),
    ("person", "I'm frightened to have a bath in case I can't get out again."),
    ("person", "Dad's afraid of tripping on the rugs so he keeps to the front room."),
    ("person", "She's terrified of another fall so she won't go anywhere without me."),
    ("person", "I daren't go in the shower since I slipped, I just have a wash at the sink."),
    ("person", "Mam's too scared to go out on her own since she went over outside Greggs."),
    ("person", "After the fall he lost his nerve and now he won't leave the house."),
    ("person", "I'm frightened of the stairs now so I live downstairs, the bed's in the back room."),
    ("person", "She's worried she'll fall again so she sits in the chair all day."),
    ("person", "I don't go out much since my fall, I'm too nervous on my feet."),
    ("person", "He's scared to get up in the night in case he goes over, so he uses a bottle."),
    ("person", "I get frightened when I'm on my own in case I fall and nobody finds me."),
    ("person", "Since the hip operation I'm afraid to go up the garden path."),
    ("person", "Nan won't use the bath any more, she's petrified of getting stuck."),
    ("person", "I'm always scared she'll fall when I'm at work, I can't relax."),
    ("person", "She's lost her confidence since the fall and she won't go to the club now."),
    ("person", "I stopped going to chapel after I fell on the steps, I'm too frightened."),
    ("person", "Since I fell I keep the curtains shut and stay in bed most days."),
    ("person", "I'm scared to go out in the wind, I went flying last winter."),
    ("person", "She's frightened to stand up without someone holding her."),
    ("person", "Dw i ofn disgyn eto felly dw i ddim yn mynd allan."),
    ("person", "Mae Mam ofn mynd i'r bath ers iddi gwympo."),
    ("person", "Since the fall I've been too scared to go to the shops, my neighbour gets my bits."),
    ("person", "Ever since she took a tumble in March she's been too nervous to go to the shops."),
    ("person", "He won't go in the bath now, he's scared stiff he'll slip."),
    ("person", "I'm worried about going down the steps to the bins in case my knee goes."),
    ("person", "She daren't go out in the frost since she broke her wrist."),
    ("person", "My husband is frightened of the hoist, he thinks he'll fall out of it."),
    ("person", "I'm terrified Mam will fall when I'm asleep so I sleep on the settee next to her."),
    ("person", "I've got no confidence on my legs since the fall, so I just stay in the house."),
    ("person", "Since her fall Nan has been frightened of being on her own at night."),
    ("person", "Dad's too afraid to go upstairs now, he's been sleeping downstairs in his chair."),
    ("person", "I'm nervous of falling in the garden so I don't bother with it any more."),
    ("person", "Since I slipped on the ice I haven't been out of the flat."),
    ("person", "She's frightened she'll fall and lie there all night like last time."),
    ("person", "I'm scared to use the stairs because my legs give way."),
    ("person", "My wife's afraid to leave me on my own in case I fall again."),
    ("person", "He's lost his nerve since the fall and won't walk to the post office."),
    ("person", "Since the fall my son won't let me go out on my own, he worries."),
]


@pytest.mark.parametrize("speaker, text", FALLS_CALLS)
def test_fear_of_a_fall_never_alerts(speaker, text):
    assert alerts(text, speaker) == []


# The same words with a person in them: fear of someone since the fall, or what someone else does.
@pytest.mark.parametrize("text", [
    "I'm frightened to go out because he'll go mad if I'm not back on time.",
    "She's scared to go upstairs since he pushed her down them.",
    "I daren't have a bath because he comes in and won't leave.",
    "I'm too frightened to leave the house in case he changes the locks.",
    "I'm afraid of falling because he moves my frame out of reach on purpose.",
    "Since my fall she keeps me in my room all day and locks the door.",
    "I'm scared of falling but he says if I ring the council he'll put me in a home.",
    "She's frightened to go out since the lads from the flat above started taking her money.",
    "I'm scared to go home because he says he'll hurt me if I fall again and he has to pick me up.",
    "Since the fall he's been frightened of his son, who shouts when he can't get up.",
    "Since the fall she's scared of her carer, the carer drags her up by the arms.",
    "I'm frightened to go out since he took my frame away.",
])
def test_fear_since_a_fall_that_names_someone_still_alerts(text):
    assert alerts(text) != []


def without_figures(text: str) -> str:
    rules = load_patterns(Path(__file__).resolve().parents[2] / "flows" / "notice" / "patterns.yaml")
    return rules.without_figures(normalise(text))


# Fear of a person, and what someone else does, are never taken out with the fall that came before.
@pytest.mark.parametrize("text, kept", [
    ("Since the fall he's been frightened of his son, who shouts when he can't get up", "frightened of his son"),
    ("Since the fall she's scared of her carer, the carer drags her up by the arms", "scared of her carer"),
    ("She's scared of falling so he just leaves her in bed all day", "so he just leaves her in bed all day"),
    ("He's frightened of falling so he doesn't eat much", "so he doesn't eat much"),
    ("I'm scared of falling so he keeps me in the chair", "so he keeps me in the chair"),
    ("my mum's lodger won't let her have the telly on, she's frightened to go downstairs, she's eighty two",
     "frightened to go downstairs"),
    ("I'm frightened to go out since he took my frame away", "frightened to go out since he took my frame away"),
])
def test_fear_of_someone_stays_when_a_fall_is_taken_out(text, kept):
    assert kept in without_figures(text)


# What follows a fear of falling is taken out only when it is what the fear makes the person do; a
# wish to die, what someone else does, a cover story or a worried caller's report stays to be read.
@pytest.mark.parametrize("text, kept", [
    ("I'm terrified of falling again, I just want to die.", "i just want to die"),
    ("I'm so frightened of another fall, I can't go on like this.", "i can't go on like this"),
    ("I'm scared of falling again and I don't want to be here any more.", "i don't want to be here any more"),
    ("Since the fall I'm scared, I just want to end it all.", "i just want to end it all"),
    ("I'm worried she'll kill herself since the fall.", "she'll kill herself"),
    ("I'm scared since he broke my arm.", "he broke my arm"),
    ("Since he broke my arm I'm frightened to go out.", "he broke my arm"),
    ("She's been terrified since he broke her wrist.", "he broke her wrist"),
    ("I'm frightened he'll hurt my arm again.", "he'll hurt my arm"),
    ("I'm frightened of falling, they don't come for hours when I ring.", "they don't come for hours"),
    ("Dad's frightened of falling so they keep dad in bed all day.", "they keep dad in bed all day"),
    ("She's scared of falling so she sits in a wet pad all day.", "sits in a wet pad"),
    ("I'm scared of falling, he just hides my frame.", "he just hides my frame"),
    ("I'm frightened to go downstairs, he's never sober.", "he's never sober"),
    ("I was too frightened to tell the truth so I said I fell.", "i said i fell"),
    ("I'm worried because she's got bruises and says she fell.", "says she fell"),
    ("Mam's frightened of the night staff since she fell.", "frightened of the night staff"),
    ("I'm scared she'll push me and I'll fall.", "she'll push me"),
    ("Since he made me fall I'm scared to go home.", "he made me fall"),
    ("I'm terrified she won't get out of there alive.", "won't get out of there alive"),
])
def test_what_follows_a_fear_of_falling_stays_unless_it_is_what_the_fear_does(text, kept):
    assert kept in without_figures(text)


# An injury by accident is a figure of speech; the same words are kept when someone else did it, when
# it was done on purpose, or when nothing says it was an accident.
@pytest.mark.parametrize("text, gone", [
    ("I cut myself shaving, look at the state of me", "cut myself shaving"),
    ("Burnt my hand on the oven getting the pie out, it's blistered.", "burnt my hand on the oven"),
    ("I've nicked my finger chopping onions, it won't stop bleeding", "nicked my finger chopping onions"),
])
def test_an_injury_by_accident_is_taken_out(text, gone):
    assert gone not in without_figures(text)
    assert alerts(text) == []


@pytest.mark.parametrize("text, kept", [
    ("She burnt my hand on the kettle to teach me a lesson", "burnt my hand on the kettle"),
    ("I burnt my arm on the cooker again. I did it on purpose, if I'm honest.", "burnt my arm on the cooker"),
    ("I said I caught myself on the door frame", "caught myself on the door frame"),
    ("I cut myself when I feel low, it helps for a bit", "cut myself when i feel low"),
    ("I told them I burnt my hand on the oven but it was him", "burnt my hand on the oven"),
    ("He went mad, burnt my hand on the cooker.", "burnt my hand on the cooker"),
    ("I've cut myself shaving again, it's the only way I can cope.", "cut myself shaving"),
    ("I burnt myself on the iron again because I deserved it.", "burnt myself on the iron"),
])
def test_an_injury_not_by_accident_is_kept(text, kept):
    assert kept in without_figures(text)


# Kept in a room is a disclosure when it is done to someone (all day, locked, not let out), not when it
# is care: an infection, a stroke, a broken stairlift, a rest.
@pytest.mark.parametrize("text", [
    "They kept her in her room for a week when she had the norovirus.",
    "He's bed-bound since the stroke so they keep him upstairs.",
    "They left him upstairs because the stairlift was broken.",
    "My daughter left me in my room with a cup of tea while she did the shopping.",
    "The nurses kept mum in her room because of the covid.",
    "The heating keeps me in my room, it's the only warm one.",
])
def test_kept_in_a_room_for_care_is_no_phrase_pattern(text):
    assert "domestic_abuse" not in pattern_alerts(text)


# An answer that says nothing in particular gives the model nothing to say which concern it could be:
# neither a banner (a risk to life's lower threshold needs the answer to be about one) nor a question.
@pytest.mark.parametrize("text", ["nothing", "Nothing gets in the way really.", "I don't know", "none", "Dim byd",
                                  "Nobody"])
def test_an_answer_that_names_nothing_raises_nothing(text):
    assert [f.kind for f in detector.concerns(text, "person", "practitioner")] == []


def pattern_alerts(text: str) -> list[str]:
    rules = load_patterns(Path(__file__).resolve().parents[2] / "flows" / "notice" / "patterns.yaml")
    plain = rules.without_figures(normalise(text))
    return [match.category for match in rules.find(plain) if match.tier == "alert"]


# "no one visits" alone says too little even to ask about, to the model trained with word groups.
@pytest.mark.parametrize("text, asked", [("no one visits", False), ("Not eating much", True),
                                         ("nobody visits now", True)])
def test_a_few_words_are_worth_asking_about_not_a_banner_on_a_categorys_lower_threshold(text, asked):
    kinds = [f.kind for f in detector.concerns(text, "person", "practitioner")]
    assert ALERT not in kinds and (CONCERN in kinds) == asked


# Said plainly, these are disclosures whatever else is said: a phrase pattern alerts on its own.
@pytest.mark.parametrize("text, category", [
    ("my step-dad raped me when I was fifteen and he still comes round", "sexual"),
    ("one of the night staff touched me sexually and I told nobody", "sexual"),
    ("the man who cleans the stairs groped her in the lift", "sexual"),
    ("he only swears at me when I'm slow with his tea", "emotional"),
    ("she says she'll have me put in a home if I tell anyone", "emotional"),
    ("my uncle still beats my mam when he's had a few", "physical"),
    ("I wear a scarf so the girls at the lunch club won't see", "physical"),
    ("I tell everyone it's the dog, the marks on my arms", "physical"),
    ("I have to ask his permission to spend anything at all", "domestic_abuse"),
    ("I daren't say no to him, you don't know what he's like", "domestic_abuse"),
    ("my nephew collects my pension and gives me fifteen pound back", "financial"),
    ("since my fall she keeps me in my room all day", "domestic_abuse"),
    ("my son keeps me upstairs when his friends come round", "domestic_abuse"),
    ("she won't bring the baby round unless I give her something towards the rent", "financial"),
    ("every time my grandson visits my purse is short", "financial"),
    ("the lads send me down to the cash machine for them on a Friday", "exploitation"),
    ("the carers forget to leave my water by the chair", "neglect"),
    ("I don't get my tablets most days now they've cut the calls", "neglect"),
    ("haven't been out of the armchair for days, I sleep in it", "self_neglect"),
    ("I'm only hanging on because of my granddaughter", "risk_to_life"),
    ("some nights he sits in the car with the engine running, in the shut garage", "risk_to_life"),
    ("I walked up to the bridge on Sunday and stood there thinking how easy it would be", "risk_to_life"),
    ("she's been putting her tablets in a tin in the drawer, in case she needs them all one day", "risk_to_life"),
    ("he keeps his sleeping pills under the mattress for when he decides he's had enough", "risk_to_life"),
    ("some nights I sit in the car in the garage for a long time with the engine on, just for the quiet",
     "risk_to_life"),
    ("Mae'r gofalwyr yn ei gadael hi yn y gwely drwy'r bore, heb ddiod", "neglect"),
    ("mam talks about wanting to die, every night now", "risk_to_life"),
    ("her boyfriend smacks the kids when they cry", "other_at_risk"),
    ("I think the little ones downstairs go hungry most of the week", "other_at_risk"),
    ("I've started to hate my husband, and I'm the one who's meant to care for him", "carer_breakdown"),
    # the helping verb run on to the one who does it
    ("He's knocked me down before, twice", "physical"),
    ("they've had all my savings, the lot", "financial"),
    ("my grandson's taken my bank card again", "financial"),
    ("she'd threatened me with the home if I told", "emotional"),
    ("some nights I go to bed hoping I won't wake up", "risk_to_life"),
    ("a good day would be not waking up, to be honest", "risk_to_life"),
    # a hand on the speaker's body, by someone else, not to steady them
    ("he grabbed my wrist so hard last night it went purple, it's the dementia, it's not him", "physical"),
    ("the carer pinched my arm because I was slow getting over", "physical"),
    ("my brother twisted my arm behind my back till I gave him the card", "physical"),
    # an animal in the same sentence does not hide what a person does
    ("I walk the dog to get out of the house and he shouts at me the whole time I'm gone", "emotional"),
    ("My partner hates the cat, he shouts at me every day", "emotional"),
    ("The dog is fine, my stepdad, he's always shouting at me", "emotional"),
    # a life that would have been ended but for something; better off dead, of oneself or told by another
    ("If it wasn't for the dog I'd have ended it in the spring", "risk_to_life"),
    ("we'd both be better off dead, me and him, that's what I think some nights", "risk_to_life"),
    ("my husband tells me I'd be better off dead", "emotional"),
])
def test_plain_disclosures_are_phrase_patterns(text, category):
    assert category in pattern_alerts(text)


@pytest.mark.parametrize("text", [
    "she beat me at dominoes again, she always does",
    "I told the doctor I fell off the step, because I did",
    "my daughter's been giving her old clothes away, she's moving to a flat",
    "he hurt her feelings when he forgot her birthday",
    "the physio pushes me hard in the exercises, I like her",
    "I hate my job, I've always hated it",
    "the kids go hungry for chips after swimming",
    "I said goodbye to the girls at the chapel, I'm moving to Wrexham",
    "we sat in the car with the engine running to keep warm while we waited for Dad",
    "I stood on the bridge and watched the boats for an hour, lovely it was",
    "Dw i'n gadael y tŷ heb fy ffôn yn aml",
    "my son's car hit me at the lights when I was crossing, he felt awful",
    "I hope I don't wake up the baby when I come in",
    "I hope I don't wake up till nine tomorrow, I'm shattered",
    "my tablets, I take them all at once with breakfast, the GP says that's fine",
    "I've got a little stash of paracetamol in the cupboard for when my back goes",
    "I keep my tablets in my bag just in case, I take them all at once with breakfast",
    "I left my tablets at my daughter's one day and missed them all",
    "Mum's got her meds sorted, the chemist delivers the lot one day a week",
    "I keep my painkillers for when I decide I need them",
    "I sit in the car outside the garage with the engine on, listening to the rugby",
    "my son twisted my arm into going to the wedding, glad he did",
    "she pulls my hair when she brushes it, she's only five",
    "he grabbed my hand hard when I went over on the ice, left a mark but he saved me",
    "my grandson kicked my shin by accident playing under the table",
    # an animal that does something to the speaker
    "The cat is the reason I get up in the morning, he shouts at me till I feed him",
    "the dog's a madam, she yells at me if her dinner's late",
    "Mae'r gath yn deffro fi bob bore, mae hi'n gweiddi arna i am ei brecwast",
    # a relationship or a task ended, not a life; a pet or a thing better off dead; a rescue
    "I nearly ended it with him last year but we sorted it out",
    "He kept texting me even after I'd ended it",
    "I'd have ended it early but the film got good",
    "the old battery is better off dead, I've ordered a new one",
    "the poor dog would be better off dead, the vet says it's time",
    "if it wasn't for her I wouldn't be here, she found me on the floor",
])
def test_lookalikes_of_plain_disclosures_are_not_phrase_alerts(text):
    assert pattern_alerts(text) == []


def test_a_concern_already_alerted_is_not_asked_about_again():
    said = "my nephew does my banking for me now, I don't really look at it"
    assert [f.category for f in hear(said, speaker="person", area="circumstances", audience="practitioner")
            if f.kind == CONCERN] == ["financial"]
    assert not [f for f in hear(said, speaker="person", area="circumstances", audience="practitioner",
                                context=Context(raised=frozenset({"financial"}))) if f.kind == CONCERN]


def test_a_plan_of_what_will_be_done_alerts_only_on_a_phrase_pattern():
    plan = "Bethan will keep her bank card for her tonight and change the locks"
    assert "financial" in [f.category for f in hear(plan, speaker="person", area="closing", audience="practitioner",
                                                   plan=True) if f.kind == CONCERN]
    assert not [f for f in hear(plan, speaker="person", area="closing", audience="practitioner", plan=True)
                if f.kind == ALERT]
    assert [f.category for f in hear("her grandson takes her pension whatever we do", speaker="person",
                                     area="closing", audience="practitioner", plan=True) if f.kind == ALERT] == [
        "financial"]


@pytest.mark.parametrize(("text", "category"), [
    ("If I was ill he'd be on his own, and he's the one who broke my arm last spring when I said I was leaving",
     "domestic_abuse"),
    ("Mum would be stuck with my brother, and he doesn't feed her when I'm away, she'd lost half a stone last time",
     "neglect"),
])
def test_a_disclosure_the_model_is_sure_of_raises_the_banner_where_risks_are_asked_too(text, category):
    found = hear(text, speaker="carer", area="risks", audience="carer")
    assert [(f.kind, f.category) for f in found if f.kind == ALERT] == [(ALERT, category)]


@pytest.mark.parametrize("text", ["She'd go into respite I suppose, she hated it last time but she'd be safe",
                                  "I'd worry myself sick about him but my sister would step in",
                                  "He might fall again if I'm not there, he won't use his frame"])
def test_what_could_go_wrong_said_as_the_question_asks_raises_no_banner(text):
    assert not [f for f in hear(text, speaker="carer", area="risks", audience="carer") if f.kind == ALERT]


@pytest.mark.parametrize("text", ["the milk's piling up on her step and the curtains have been shut for days",
                                  "nobody's seen him for a week, his post is still on the mat"])
def test_signs_nobody_has_checked_on_someone_are_worth_asking_about(text):
    found = detector.concerns(text, "person", "practitioner")
    assert [f.category for f in found] and all(f.category == "self_neglect" for f in found)


def test_figures_are_taken_out_before_anything_reads_the_answer():
    rules = load_patterns(Path(__file__).resolve().parents[2] / "flows" / "notice" / "patterns.yaml")
    assert "killing" not in rules.without_figures("my back is killing me")
    assert rules.find(rules.without_figures("i fell and hit my head on the door")) == []


@pytest.mark.parametrize("text, category, quoted", [
    ("We had a lovely week really, the weather was kind and I got out to the garden centre twice. My nephew has "
     "had my bank card since the summer and I don't see any of my pension now. Anyway the tomatoes are doing well.",
     "financial", "My nephew has had my bank card since the summer and I don't see any of my pension now."),
    ("It's been a quiet week. The physio came Tuesday and the district nurse Thursday, and my daughter did the big "
     "shop on Saturday. I don't see the point of any of it any more, to be honest. The garden's looking nice though.",
     "risk_to_life", "I don't see the point of any of it any more, to be honest."),
])
def test_a_disclosure_in_the_middle_of_a_long_answer_alerts_and_quotes_its_sentence(text, category, quoted):
    found = [f for f in detector.concerns(text, "person", "practitioner") if f.kind == ALERT]
    assert [(f.category, f.term) for f in found] == [(category, quoted)]


def test_a_long_ordinary_answer_raises_nothing():
    assert detector.concerns("We had a lovely week really, the weather was kind and I got out to the garden centre "
                             "twice. My nephew helped me set up the new telly. Anyway the tomatoes are doing well.",
                             "person", "practitioner") == []


def _model_of(concern: dict[str, float], bias: float, physical: str = "") -> concern_model.ConcernModel:
    """A model whose concern and alert heads weigh only the given features; its category is exploitation,
    or physical where the word `physical` is in the answer."""
    binary = {"classes": ["no", "yes"], "bias": [bias], "weights": {k: [v] for k, v in concern.items()}}
    return concern_model.from_dict({"heads": {
        "concern": binary, "alert": binary,
        "category": {"classes": ["exploitation", "physical"], "bias": [5.0, 0.0],
                     "weights": {f"w:{physical}": [0.0, 10.0]} if physical else {}}},
        "thresholds": {"alert": 0.5, "ask": 0.5}})


def _no_patterns(folder: Path):
    (folder / "patterns.yaml").write_text("alert: {}\n", encoding="utf-8")
    return load_patterns(folder / "patterns.yaml")


def test_the_quoted_sentence_says_what_the_banner_says(tmp_path):
    # The whole answer is physical harm (the card's sentence says so); the first sentence alone says
    # exploitation: the banner must not name one and quote the other.
    model = _model_of({"w:flat": 6.0, "w:card": 6.0}, bias=-2.0, physical="card")
    found = detector.read("The lads use my flat. He has my card.", "person", _no_patterns(tmp_path), model)
    assert found == ("alert", "physical", "He has my card.")


def test_a_long_paste_quotes_words_that_are_in_it(tmp_path):
    # A paste longer than a piece is cut into slices of itself: the quote keeps its own "!?".
    model = _model_of({"w:flat": 6.0}, bias=-2.0)
    text = "Quiet day at home!? " * 150 + "The lads use my flat!? More tea; the kettle's on\nBye."
    found = detector.concerns(text, "person", "practitioner", rules=_no_patterns(tmp_path), model=model)
    assert [(f.category, f.term) for f in found] == [("exploitation", "The lads use my flat!?")]
    assert found[0].term in text


def test_a_sentence_is_read_alone_as_well_as_within_its_answer(tmp_path):
    # The rest of an answer cannot water down what one sentence says: the banner quotes that sentence.
    model = _model_of({"w:flat": 6.0, "w:lovely": -9.0}, bias=-2.0)
    rules, answer = _no_patterns(tmp_path), "Lovely day at the club. The lads use my flat now!"
    assert detector.classify(normalise(answer), "person", rules, model)[0] is None  # whole, it says nothing
    assert detector.read(answer, "person", rules, model) == ("alert", "exploitation", "The lads use my flat now!")
    # The whole says it too: the quote is still the sentence that says it alone.
    assert detector.read("The lads use my flat. Nice day.", "person", rules, model)[2] == "The lads use my flat."
    assert detector.read("   ", "person", rules, model) == (None, None, "")


def test_a_clause_weighed_a_moment_ago_is_weighed_again_for_another_model_patterns_or_speaker(tmp_path):
    rules, clean = _no_patterns(tmp_path), normalise("The lads use my flat now")
    loud, quiet = _model_of({"w:flat": 6.0}, bias=-2.0), _model_of({"w:flat": -6.0}, bias=-2.0)
    assert detector.classify(clean, "person", rules, loud)[0] == "alert"
    assert detector.classify(clean, "person", rules, quiet)[0] is None
    assert detector.classify(clean, "person", _no_patterns(tmp_path), loud)[0] == "alert"
    speaking = _model_of({"w:flat": 6.0, "speaker:carer": -20.0}, bias=-2.0)
    assert detector.classify(clean, "person", rules, speaking)[0] == "alert"
    assert detector.classify(clean, "carer", rules, speaking)[0] is None


def test_every_alternative_of_a_pattern_matches_whole_words_only(tmp_path):
    path = tmp_path / "patterns.yaml"
    path.write_text('alert:\n  physical: ["hits me|kicks me"]\n', encoding="utf-8")
    rules = load_patterns(path)
    assert rules.find("he kicks me") and rules.find("he hits me")
    assert rules.find("he hits meat") == [] and rules.find("she unkicks me") == []


def test_tablets_put_by_alert_even_where_only_a_phrase_pattern_may():
    said = "she's been putting her tablets in a tin in the drawer, in case she needs them all one day"
    assert "risk_to_life" in [f.category for f in hear(said, speaker="person", area="outcomes", audience="practitioner")
                              if f.kind == ALERT]


def test_negation_lowers_an_alert_to_worth_asking_about():
    rules = load_patterns(Path(__file__).resolve().parents[2] / "flows" / "notice" / "patterns.yaml")
    [match] = rules.find("i would never kill myself")
    assert (match.category, match.tier) == ("risk_to_life", "ask")


def test_what_held_someone_back_is_not_a_negation_of_what_they_say():
    rules = load_patterns(Path(__file__).resolve().parents[2] / "flows" / "notice" / "patterns.yaml")
    [match] = rules.find("if it wasn't for the grandchildren i'd kill myself")
    assert (match.category, match.tier) == ("risk_to_life", "alert")


def test_the_practitioners_own_words_never_alert(start):
    conversation = start()
    conversation.send("Mrs Evans, 88")
    outputs = conversation.send("/note she is frightened of her son and he takes her pension")
    assert not any(isinstance(o, out.Alert) for o in outputs)
    conversation.send("/from practitioner")
    outputs = conversation.send("He hit her last week, she says")
    assert not any(isinstance(o, out.Alert) for o in outputs)


def test_a_concern_raised_by_hand_reaches_the_draft(start):
    conversation = start()
    conversation.send("Mr Price, 79")
    outputs = conversation.send("/concern exploitation two lads seem to be living at his flat")
    assert [o.category for o in outputs if isinstance(o, out.Alert)] == ["exploitation"]
    [alert] = conversation.assessment().safeguarding
    assert alert.raised_by_hand and alert.category == "exploitation" and alert.said_by == "practitioner"
    assert alert.text == "two lads seem to be living at his flat"
    assert conversation.state.pending_alerts()  # it waits to be acknowledged like any alert


def test_the_banner_quotes_the_sentence_that_raised_it_and_not_the_whole_answer_again(start):
    conversation = start()
    conversation.send("Her son hit her last week")
    [(_, wording, said, _)] = conversation.waiting_alerts()
    assert "Her son hit her last week" in wording and said == ""  # not the same words twice on a small screen
    conversation = start(conversation_id="test-0002")
    conversation.send("She loves her garden. Her son hit her last week. She wants to stay at home.")
    [(_, wording, said, _)] = conversation.waiting_alerts()
    assert "Her son hit her last week" in wording and "She loves her garden" not in wording and said == ""


def test_one_answer_that_tells_of_two_kinds_of_harm_raises_both_and_the_draft_holds_both(start):
    conversation = start()
    conversation.send("Mrs Rowlands, 86")
    outputs = conversation.send("Her grandson shoves her about when he's had a drink, and he won't let her have "
                                "her bank card.")
    assert sorted(o.category for o in outputs if isinstance(o, out.Alert)) == ["financial", "physical"]
    assert sorted(alert.category for alert in conversation.assessment().safeguarding) == ["financial", "physical"]
    conversation = start(conversation_id="test-0002")
    outputs = conversation.send("He hits me. He takes my pension too.")
    assert [(o.category, o.term) for o in outputs if isinstance(o, out.Alert)] == [
        ("physical", "He hits me."), ("financial", "He takes my pension too.")]
    [(seq, first, _, _), (same, second, _, _)] = conversation.waiting_alerts()
    assert seq == same  # one answer's banners, acknowledged together
    # The banner below the first leaves out the duty the first states (a screen of 80x24 holds both).
    assert "duty to report" in first and "duty to report" not in second and "He takes my pension too." in second
    conversation.send("/ack")
    assert conversation.waiting_alerts() == []


def test_a_banner_below_another_still_says_where_to_get_help_now(start):
    conversation = start()
    conversation.send("Her son hits her. She says she wants to kill herself.")
    [(_, hit, _, hit_kind), (_, risk, _, risk_kind)] = conversation.waiting_alerts()
    assert "Physical" in hit and "duty to report" in hit
    assert "kill herself" in risk and "116 123" in risk and "duty to report" not in risk
    assert (hit_kind, risk_kind) == ("Physical abuse", "Risk to life or self-harm")


def test_a_face_may_ask_for_the_quote_in_a_banner_to_be_cut_at_a_word(start):
    conversation = start()
    long = ("Her son hits her when he has been drinking at the club on a Friday night and then again on"
            " the Saturday when the football is on the telly and he has lost money")
    conversation.send(long)
    [whole] = conversation.waiting_alerts()
    [cut] = conversation.waiting_alerts(60)
    assert long in whole.wording and long not in cut.wording
    quoted = cut.wording.split("“", 1)[1].split("”", 1)[0]
    assert quoted.endswith("…") and len(quoted) <= 60 and long.startswith(quoted[:-1])


def test_a_concern_needs_a_known_category(start):
    conversation = start()
    outputs = conversation.send("/concern spooky something odd")
    assert any(isinstance(o, out.Error) and "financial" in o.text for o in outputs)
    assert conversation.assessment().safeguarding == []


def test_the_safety_questions_after_an_alert_are_the_practitioners_notes_and_stay_with_it(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    outputs = conversation.send("my grandson takes all my money and says I'll go in a home if I tell")
    assert any(isinstance(o, out.Alert) for o in outputs)
    assert outputs[-1].stage == "safety-check"
    conversation.send("No immediate danger; he is at work until six")
    conversation.send("Two grandchildren visit at weekends")
    conversation.send("She wants it to stop but does not want him in trouble")
    conversation.send("Reported to the duty team at 14:20")
    conversation.send("/ack")
    [alert] = conversation.assessment().safeguarding
    assert [(n.label, n.source) for n in alert.notes] == [
        ("Immediate danger", "practitioner"), ("Others at risk", "practitioner"),
        ("Their view and wishes", "practitioner"), ("What was done", "practitioner")]
    assert alert.acknowledged_at is not None and alert.acknowledged_by
    from convo.render import render

    markdown = render(conversation.assessment(), "md")
    assert "Reported to the duty team at 14:20" in markdown and "Financial or material abuse" in markdown


def test_an_alert_is_acknowledged_by_the_practitioner_named_in_the_settings_and_their_account(start, monkeypatch):
    import getpass

    monkeypatch.setenv("CONVO_PRACTITIONER_NAME", "Sam Jones")
    monkeypatch.setattr(getpass, "getuser", lambda: "sjones")
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    conversation.send("/ack")
    [alert] = conversation.assessment().safeguarding
    assert alert.acknowledged_by == "Sam Jones (sjones)"
    monkeypatch.delenv("CONVO_PRACTITIONER_NAME")
    conversation.send("and he says he'll put me in a home if I tell anyone")
    conversation.send("/ack")
    assert [a.acknowledged_by for a in conversation.assessment().safeguarding][1:] == ["sjones"]


def test_the_safety_questions_follow_a_concern_raised_by_hand_and_its_notes_stay_with_it(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    outputs = conversation.send("/concern neglect Her carer has not been for three days")
    assert any(isinstance(o, out.Alert) and o.category == "neglect" for o in outputs)
    assert conversation.prompt().stage == "safety-check"
    for note in ("No immediate danger", "Her husband, also frail", "She wants a new agency", "Rang the agency"):
        conversation.send(note)
    [alert] = conversation.assessment().safeguarding
    assert alert.raised_by_hand and [n.text for n in alert.notes] == [
        "No immediate danger", "Her husband, also frail", "She wants a new agency", "Rang the agency"]
    assert conversation.prompt().stage not in {"safety-check", "safety-others", "safety-view", "safety-action"}


def test_a_later_alert_asks_each_safety_question_again_not_anything_else(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money and says I'll go in a home if I tell")
    for note in ("No immediate danger", "No one else", "She wants it to stop", "Reported to the duty team"):
        conversation.send(note)
    conversation.send("/ack")
    conversation.send("She sees her friend Megan on Tuesdays")
    outputs = conversation.send("Some days she thinks everyone would be better off without her")
    assert any(isinstance(o, out.Alert) and o.category == "risk_to_life" for o in outputs)
    asked = [o for o in outputs if isinstance(o, out.Prompt)][-1]
    assert asked.stage == "safety-check" and "immediate danger" in asked.text and "Anything else" not in asked.text
    asked = [o for o in conversation.send("She is at home with her son") if isinstance(o, out.Prompt)][-1]
    assert asked.stage == "safety-others" and "Anything else" not in asked.text


def test_safety_questions_left_out_are_in_the_draft_with_the_alert_they_followed(start):
    from convo.render import render

    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    conversation.send("No immediate danger")
    for _ in range(3):
        conversation.send("")  # passes a question: not left out
    conversation.send("/ack")
    conversation.send("She sees her friend Megan on Tuesdays")
    conversation.send("and he says he'll put me in a home if I tell anyone")
    conversation.send("/skip will ask her again on Thursday")
    first, second = conversation.assessment().safeguarding
    assert [n.text for n in first.notes] == ["No immediate danger"] and first.left_out == []
    assert [(s.title, s.reason) for s in second.left_out] == [
        (title, "will ask her again on Thursday")
        for title in ("Immediate danger", "Others at risk", "Their view and wishes", "What was done")]
    markdown = render(conversation.assessment(), "md")
    assert "Immediate danger: left out — will ask her again on Thursday" in markdown
    assert "Immediate danger: left out — will ask her again on Thursday" in render(conversation.assessment(), "html")


def test_going_to_another_question_from_a_safety_question_is_kept_as_left_out_with_its_alert(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    conversation.send("No immediate danger")
    assert conversation.prompt().stage == "safety-others"
    conversation.send("/back")
    assert conversation.prompt().stage != "safety-others"
    [alert] = conversation.assessment().safeguarding
    assert [n.text for n in alert.notes] == ["No immediate danger"]
    assert [(s.title, s.reason) for s in alert.left_out] == [
        (title, "moved to another question before answering it")
        for title in ("Others at risk", "Their view and wishes", "What was done")]


def test_moving_on_from_an_ordinary_question_leaves_no_safety_question_out(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    for _ in range(4):
        conversation.send("")  # each safety question passed, none left
    conversation.send("/back")
    [alert] = conversation.assessment().safeguarding
    assert alert.left_out == []


def test_skip_leaves_the_whole_safety_check(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    conversation.send("/skip will come back to it")
    assert conversation.position.stage not in {"safety-others", "safety-view", "safety-action", "safety-check"}


def test_a_widow_is_not_asked_what_her_husband_does_as_support():
    found = hear("since my husband died my daughter does my shopping", speaker="person",
                 area="circumstances", audience="practitioner")
    people = [f.term.lower() for f in found if f.kind == "people"]
    assert "husband" not in people and "daughter" in people
    found = hear("my late husband built that shed", speaker="person", area="circumstances", audience="practitioner")
    assert not [f for f in found if f.kind == "people"]


def test_someone_who_died_earlier_in_the_call_is_not_offered_as_support():
    found = hear("my wife always did the garden", speaker="person", area="own_resources", audience="practitioner",
                 context=Context(earlier=("I lost my wife two years ago",)))
    assert not [f for f in found if f.kind == "people"]


def test_earlier_answers_are_read_for_who_has_died_once_not_every_turn(monkeypatch: pytest.MonkeyPatch):
    read: list[str] = []

    def counting(clean: str, audience: str) -> set[str]:
        read.append(clean)
        return {"wife"} if "lost my wife" in clean else set()

    monkeypatch.setattr(detector, "not_support", counting)
    detector._not_support_in.cache_clear()
    earlier = ("I lost my wife two years ago", "the garden is my pride", "my grandson comes on Sundays")
    for turn, text in enumerate(("my wife always did the garden", "my wife kept bees")):
        found = hear(text, speaker="person", area="own_resources", audience="practitioner",
                     context=Context(earlier=earlier[:2 + turn]))
        assert "wife" not in [f.term.lower() for f in found if f.kind == "people"]
    # The first turn reads two earlier answers and its own; the second only its own and the one new.
    assert len(read) == 5
    detector._not_support_in.cache_clear()


def test_a_carer_is_not_asked_to_list_the_person_they_look_after_as_support():
    found = hear("I look after my mum and my sister helps on Sundays", speaker="carer",
                 area="circumstances", audience="carer")
    assert [f.term.lower() for f in found if f.kind == "people"] == ["sister"]


def _people(text, area="circumstances", audience="practitioner"):
    speaker = "carer" if audience == "carer" else "person"
    return [f.term.lower() for f in hear(text, speaker=speaker, area=area, audience=audience) if f.kind == "people"]


@pytest.mark.parametrize("text", [
    "I want to keep the garden the way my husband had it.",  # help in the past
    "My sister used to do my hair before she moved to Rhyl.",
    "My husband would go mad if he knew I'd rung you.",  # named, but not helping
    "I'd like to see my grandchildren more.",  # wished for
    "My son's away on the rigs and doesn't ring from one month to the next.",  # help denied
    "I volunteer with Friends of the Park and the Mothers' Union.",  # a group's name
    "I'm my own best friend these days.",
])
def test_only_someone_the_answer_says_helps_now_is_offered_as_support(text):
    assert _people(text) == []


def test_someone_named_in_a_concern_is_not_offered_as_support_beside_someone_who_helps():
    assert _people("My son has my bank card and I never see the money. My niece does my shopping.") == ["niece"]


@pytest.mark.parametrize(("text", "who"), [
    ("My son translates for me at appointments, my husband's English is worse than mine.", "son"),
    ("The lad next door carries my shopping up.", "next door"),
    ("I get a lot of help from my niece.", "niece"),
])
def test_help_is_read_from_where_the_helper_is_named(text, who):
    assert _people(text) == [who]


def test_accepting_a_suggestion_records_the_words_it_was_about(start):
    conversation = start()
    conversation.send("Mr Hughes, 81")
    outputs = conversation.send("The garden is too much now. His neighbour Dai cuts the grass.")
    [cue] = [o for o in outputs if isinstance(o, out.Cue) and o.kind == "people"]
    outputs = conversation.send(f"/accept {cue.id}")
    [captured] = [o for o in outputs if isinstance(o, out.Captured)]
    assert captured.text == "His neighbour Dai cuts the grass."


def test_a_carers_despair_shows_where_to_get_help_now(start):
    conversation = start("carer", "carer")
    conversation.send("My husband Tom, he has dementia")
    outputs = conversation.send("sometimes I think I can't go on")
    [alert] = [o for o in outputs if isinstance(o, out.Alert)]
    assert "116 123" in alert.text and "999" in alert.text and "duty to report" not in alert.text
    assert "a risk to your life" in alert.text and "their life" not in alert.text  # the carer is the one told
    from convo.render import render_summary

    assert "116 123" in render_summary(conversation.assessment(), "md")


def test_line_mode_alerts_keep_their_kind_and_gain_a_category(start):
    conversation = start()
    conversation.send("Ann")
    outputs = conversation.send("I don't want to be here any more")
    [alert] = [o.to_json() for o in outputs if isinstance(o, out.Alert)]
    assert alert["type"] == "alert" and alert["kind"] == "safeguarding" and alert["category"] == "risk_to_life"


def test_every_category_has_its_wording_for_both_audiences():
    kinds = taxonomy()
    assert len(kinds.ids) == 11
    for category in kinds.categories:
        for audience in ("practitioner", "carer"):
            assert category.label in kinds.alert_text(category.id, "x", audience)
            assert kinds.ask_text(category.id, audience).startswith("Worth asking about")
            welsh = kinds.alert_text(category.id, "x", audience, language="cy")
            assert welsh.startswith(f"DIOGELU ({category.label_in('cy')}) — “x”: gall yr hyn a ddywedwyd olygu")
            assert "999" in welsh and category.label_in("cy") != category.label
            assert kinds.ask_text(category.id, audience, "cy").startswith("Gwerth holi amdano")
            if category.help_now:
                assert "116 123" in welsh
    for category_id in ("risk_to_life", "carer_breakdown"):  # said to a carer as "you", to a practitioner as "they"
        category = kinds.category(category_id)
        for language in ("en", "cy"):
            to_carer, to_anyone = category.alert_to[Audience.carer][language], category.alert[language]
            assert to_carer in kinds.alert_text(category_id, "x", "carer", language=language)
            assert to_anyone in kinds.alert_text(category_id, "x", "practitioner", language=language)
            assert to_carer not in kinds.alert_text(category_id, "x", "practitioner", language=language)
        assert "you" in category.alert_to[Audience.carer]["en"] and "you" not in category.alert["en"]
    assert CONCERN == "concern"


def test_no_held_out_or_development_sentence_is_in_the_training_corpus():
    def texts(pattern: str) -> set[str]:
        return {" ".join(json.loads(line)["text"].casefold().split())
                for path in DATA.glob(pattern)
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}

    training, held_out, development = texts("train_*.jsonl"), texts("heldout*.jsonl"), texts("dev*.jsonl")
    checks = texts("check_*.jsonl")
    assert len(training) >= 2000 and len(held_out) >= 500 and len(development) >= 500 and len(checks) >= 600
    # Answers of a word or three ("dunno really", "fine", "Family.") may be written twice by chance; nothing longer.
    assert not {text for text in (training | development) & held_out if len(text.split()) > 3}
    assert not {text for text in (training | development | held_out) & checks if len(text.split()) > 3}
    assert not {text for text in training & development if len(text.split()) > 3}


def test_a_negation_marks_the_words_that_say_something_not_the_little_ones():
    found = concern_model.features("nothing gets in the way of my garden", "person", detector.patterns())
    assert "nw:gets" in found
    assert not {"nw:in", "nw:the"} & set(found)


def test_words_that_mean_alike_share_a_group_the_model_reads():
    groups = concern_model.word_groups()
    assert groups["scared"] == groups["frightened"]
    assert groups["pension"] != groups["scared"]
    found = concern_model.features("my nephew keeps my pension", "person", detector.patterns())
    nephew, pension = groups["nephew"], groups["pension"]
    assert {f"q:{nephew}", f"q:{pension}", f"q2:{nephew}>{pension}"} <= set(found)
    # The little words have no group, and a word in no group adds none.
    assert not {name for name in concern_model.features("my xqzzt", "person", detector.patterns())
                if name.startswith("q")}


def test_the_model_was_trained_with_the_word_groups_it_ships_with():
    with gzip.open(concern_model.MODEL_PATH, "rt", encoding="utf-8") as handle:
        trained_with = json.load(handle)["word_groups"]
    assert trained_with == concern_model.groups_digest()


def test_a_model_fitted_with_other_word_groups_is_refused_when_read(tmp_path):
    path = tmp_path / "model.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"word_groups": "0" * 16}, handle)
    with pytest.raises(ValueError, match="other word groups"):
        concern_model.load(str(path))


def test_a_long_paste_is_read_in_bounded_pieces():
    text = "we went to the shops. " * 5000 + "my son takes all my money"
    assert "financial" in alerts(text)


def test_a_broken_pattern_file_is_reported_with_its_position(tmp_path):
    from convo.flow.check import check_paths

    folder = tmp_path / "notice"
    folder.mkdir()
    (folder / "patterns.yaml").write_text('alert:\n  physical: ["(unclosed"]\n', encoding="utf-8")
    [problem] = check_paths([folder / "patterns.yaml"])
    assert (problem.line, problem.col) == (2, 14) and "bad pattern" in problem.message


def test_a_new_kind_of_concern_reported_at_the_safety_questions_still_alerts(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    assert conversation.position.stage == "safety-check"
    outputs = conversation.send("He is at work until six; she says he takes her pension every week")
    assert not any(isinstance(o, out.Alert) for o in outputs)  # the same concern: a note, no second banner
    outputs = conversation.send("She said she wants to go to sleep and not wake up, she has been saving her tablets")
    assert [o.category for o in outputs if isinstance(o, out.Alert)] == ["risk_to_life"]
    assert conversation.assessment().safeguarding[-1].said_by == "practitioner"


@pytest.mark.parametrize("text, category", [
    ("Mae fy mab yn cymryd fy mhensiwn bob wythnos", "financial"),
    ("Dydy o ddim yn gadael i mi fynd allan", "domestic_abuse"),
    ("Mae o'n gweiddi arna i drwy'r amser", "emotional"),
    ("Naeth o fy nharo i neithiwr", "physical"),
    ("Dwi ddim isio byw fel hyn", "risk_to_life"),
    ("Mae ei mab yn ei tharo hi", "physical"),
    ("Dw i eisiau dod â'r cyfan i ben", "risk_to_life"),
    ("Pam dw i dal yma, dwedwch?", "risk_to_life"),
])
def test_welsh_disclosures_alert_too(text, category):
    assert category in alerts(text)


@pytest.mark.parametrize("text", ["Mi wnes i syrthio a tharo fy mhen", "dwi wedi blino'n lân heddiw"])
def test_welsh_everyday_words_do_not_alert(text):
    assert alerts(text) == []


def test_welsh_people_and_places_are_suggested_and_a_place_name_is_not_a_person():
    found = hear("Ers i mi golli fy ngŵr, mae fy merch yn helpu. Dwi'n mynd i'r capel a Merched y Wawr",
                 speaker="person", area="circumstances", audience="practitioner")
    assert [(f.kind, f.term) for f in found if f.kind in ("people", "community")] == [
        ("community", "capel"), ("community", "Merched y Wawr"), ("people", "merch")]


@pytest.mark.parametrize("text, category", [
    ("Mum hits me when she drinks", "physical"),
    ("Some days I want to end it all https://example.org/a/long/address", "risk_to_life"),
])
def test_a_parent_named_alone_and_words_after_a_plan_do_not_hide_a_disclosure(text, category):
    assert category in alerts(text)


def test_suggestions_are_worded_in_the_language_asked_for_and_heard_the_same():
    text = "My daughter helps, but I feel like ending it"
    english = hear(text, speaker="person", area="circumstances", audience="practitioner")
    welsh = hear(text, speaker="person", area="circumstances", audience="practitioner", language="cy")
    assert [(f.kind, f.term, f.category) for f in welsh] == [(f.kind, f.term, f.category) for f in english]
    texts = {f.kind: f.text for f in welsh}
    assert texts[ALERT].startswith("DIOGELU (Risg i fywyd neu hunan-niweidio)") and "116 123" in texts[ALERT]
    assert {f.kind: f.text for f in english}[ALERT].startswith("SAFEGUARDING (Risk to life or self-harm)")


@pytest.mark.parametrize("typed", ['Her partner "hits" her every night.', "Her partner *hits* her every night.",
                                   "Her partner _hits_ her every night.", "Her partner “hits” her every night."])
def test_quotes_or_stars_round_a_word_of_harm_hide_nothing_where_only_a_pattern_alerts(typed):
    found = hear(typed, speaker="person", area="outcomes", audience="practitioner", choices=True)
    assert [(f.kind, f.category) for f in found if f.kind == ALERT] == [(ALERT, "physical")]


def test_marks_round_words_go_but_apostrophes_in_and_at_the_ends_of_words_stay():
    assert normalise('He said "no" and *left*') == "he said no and left"
    welsh = "Dai's mam won't, ma' hi 'di cymryd 'y ngherdyn"
    assert normalise(welsh) == welsh.lower()
    assert normalise("snake_case stays") == "snake_case stays"


@pytest.mark.parametrize("said", ["She says she'd be better off dead than like this.",
                                  "Dad keeps telling us he'd be better off dead.",
                                  "My son keeps saying he'd be better off dead since the accident.",
                                  "My husband reckons he'd be better off dead now he can't walk.",
                                  "Mum feels she'd be better off dead."])
def test_someone_who_says_they_would_be_better_off_dead_is_a_risk_to_life_when_told_of_by_another(said):
    categories = [f.category for f in detector.concerns(said, "carer", "carer") if f.kind == ALERT]
    assert "risk_to_life" in categories


def test_better_off_dead_said_to_someone_is_still_emotional_harm():
    categories = [f.category for f in detector.concerns("He tells her she'd be better off dead.", "carer", "carer")
                  if f.kind == ALERT]
    assert categories == ["emotional"]


def test_a_risk_to_life_says_the_urgent_response_not_only_a_report_of_abuse():
    from convo.notice.taxonomy import taxonomy

    kinds = taxonomy()
    for language in ("en", "cy"):
        own_life = kinds.alert_text("risk_to_life", "I feel like ending it", "practitioner", language=language)
        harm = kinds.alert_text("physical", "he hits me", "practitioner", language=language)
        assert "116 123" in own_life and "999" in own_life
        assert kinds.duty["practitioner"][language] not in own_life  # not abuse or neglect by itself
        assert kinds.duty["practitioner"][language] in harm
    assert "urgent risk to life" in kinds.alert_text("risk_to_life", "I feel like ending it", "practitioner")


def test_a_long_answer_only_the_whole_of_which_raises_the_banner_quotes_the_sentences_that_do():
    """Not the answer's opening, which the banner cuts short: the fewest sentences in a row that raise it."""
    answer = ("Chapel's been good to us. The minister calls on a Tuesday. He's always had a short fuse.\n"
              "Only with my hip I can't get out of his way now.")
    [alert] = [f for f in hear(answer, speaker="person", area="", audience="practitioner") if f.kind == ALERT]
    # As typed, the line break too; of the kind the banner names.
    assert alert.term == "He's always had a short fuse.\nOnly with my hip I can't get out of his way now."
    assert alert.category == "domestic_abuse"


def test_people_named_outside_the_sentences_quoted_are_still_not_offered_as_support():
    answer = ("My son's good to me, he does my shopping. We had the grandchildren Sunday. The heating's been off "
              "since October and he says we can't afford it. I go to bed in my coat.")
    found = hear(answer, speaker="person", area="", audience="practitioner")
    assert any(f.kind == ALERT for f in found)
    assert not [f for f in found if f.kind == "people"]


def test_a_place_named_in_the_words_of_an_alert_is_not_suggested_as_a_resource():
    found = hear("My husband. I lock him in his room when I go to the shop, I know it's wrong", speaker="carer",
                 area="circumstances", audience="carer")
    assert any(f.kind == ALERT for f in found)
    assert not [f for f in found if f.kind == "community"]
    found = hear("I go to the shop most mornings, it gets me out", speaker="carer", area="circumstances",
                 audience="carer")
    assert [f.term for f in found if f.kind == "community"]  # the same place, said as a place that helps


def test_a_carers_banner_with_help_now_does_not_say_999_and_not_alone_twice():
    from convo.notice.taxonomy import taxonomy

    for category in ("risk_to_life", "carer_breakdown"):
        text = taxonomy().alert_text(category, "I can't go on", "carer")
        assert text.count("alone") == 1 and "116 123" in text and "If anyone else is in danger right now" in text
    text = taxonomy().alert_text("physical", "he hits me", "carer")
    assert "If anyone is in danger right now, call 999" in text and "alone" in text
