"""Harm said in the everyday words people use for it, which a phrase pattern hears whatever the model
makes of them: a beating given as an idiom ("a good hiding", "the back of his hand", "takes his belt
to me"), to the person or to a child, in English and Welsh; being knocked about, gone for with
something, held against the wall or knelt on; exposure, photos taken of someone undressed and being
made to watch porn; talk of a way to die, and one said as what one will do. Beside each, ordinary
talk in the same words that raises no banner: a result at darts, a slap on the back, a boxing coach,
history told as history, care done properly, a photo for the district nurse, the rugby on the telly, a
swim, a drive over the bridge; and two older patterns that no longer hear a phone updated or a
programme watched. Every sentence here was written for these tests; none is in the corpus."""

from __future__ import annotations

import pytest

from tests.unit.hearing import alert_patterns, alerts


@pytest.mark.parametrize("text, category", [
    # A beating said as an idiom, to the person.
    ("My husband gave me a right hiding on Sunday because the gravy was cold.", "physical"),
    ("Our Gethin's been giving me the back of his hand when I ask for my pension book.", "physical"),
    ("She gives Mam a clip round the ear if she drops her spoon.", "physical"),
    ("I got a proper leathering off my son for losing the remote.", "physical"),
    ("The lodger takes his belt to me when he's had a drink.", "physical"),
    ("Mae o'n rhoi cweir i mi pan mae o wedi meddwi.", "physical"),
    # To a child.
    ("My daughter's boyfriend gives the little one a good hiding when she wets herself.", "other_at_risk"),
    ("He takes his belt to the kids if they're noisy while the match is on.", "other_at_risk"),
    # Knocked about, gone for, held down, knelt on.
    ("Her partner's been knocking her about again, she had a lip like a balloon.", "physical"),
    ("My brother came at me with a rolling pin on Tuesday.", "physical"),
    ("He pinned me against the fridge by my throat and told me to shut up.", "physical"),
    ("The night carer knelt on my arm to get the tablets in.", "physical"),
    # Exposure, photos, porn.
    ("The man in flat 3 keeps exposing himself when I'm putting the washing out.", "sexual"),
    ("The agency girl took pictures of me on the commode and showed them round the office.", "sexual"),
    ("My stepdad puts porn on the telly and makes me sit with him.", "sexual"),
    ("Mae'r gofalwr yn dangos ei bidyn i mi yn y stafell molchi.", "sexual"),
    # Talk of a way to die.
    ("Dad keeps joking he'll walk into the sea at Barmouth one of these days.", "risk_to_life"),
    ("She's been talking about stepping in front of the train at the crossing.", "risk_to_life"),
    ("He said he might as well throw himself in the canal.", "risk_to_life"),
    ("Mae o wedi bod yn sôn am neidio oddi ar y bont.", "risk_to_life"),
    # Told of a relative by name; said in ways the first form missed.
    ("Our Dai gave me a belting on Friday, I can't lift my arm.", "physical"),
    ("Our Sian's been going for my face when she's had a drink.", "physical"),
    ("Our Dai beat me up.", "physical"),
    ("He gave me a right hiding for answering back.", "physical"),
    ("He went for my face open-handed.", "physical"),
    ("He made me have sex with him after the match.", "sexual"),
    ("he keeps on about walking into the sea", "risk_to_life"),
    ("Her fella gives her a pasting most Fridays when he's back from the club.", "physical"),
    ("My grandson's been laying into me again, I've got a black eye.", "physical"),
    # Said in quotation marks, as notes and carers often give someone's words.
    ("She told me 'our Dai gave me a right hiding' and started crying.", "physical"),
    ("Dad keeps saying 'suicide is the answer'.", "risk_to_life"),
])
def test_harm_said_in_everyday_words_alerts(text, category):
    assert category in alert_patterns(text)
    assert alerts(text), text


# Each ordinary sentence beside its twin in the same words that is a disclosure: what the pattern leaves
# out is what makes it ordinary, and the twin shows the pattern would hear it otherwise.
@pytest.mark.parametrize("ordinary, twin", [
    # Sport, games and a team's results.
    ("They gave me a right hiding at the darts on Friday.", "They gave me a right hiding on Friday."),
    ("Swansea gave us a hammering on Saturday, four nil.", "He gave me a hammering on Saturday."),
    ("My grandson gives me a good thrashing at chess every time he visits.",
     "My grandson gives me a good thrashing every time he visits."),
    ("Our Rhodri gave me a proper thrashing on the Xbox last night.",
     "Our Rhodri gave me a proper thrashing last night."),
    ("My backache gives me a right hammering in the night.", "My husband gives me a right hammering in the night."),
    # Praise, a present, and history told as history.
    ("The manager gave me a slap on the back when I finished the course.",
     "The manager gave me a slap when I finished the course."),
    ("I got the belt off my son for my birthday, a lovely leather one.",
     "I got the belt off my son for spilling the tea."),
    ("My father took his belt to me once when I was a kid, different times.",
     "My father took his belt to me once last week."),
    ("I got a clip round the ear off my dad in 1962 for scrumping.",
     "I got a clip round the ear off my dad last night."),
    ("She took the slipper to her room.", "She took the slipper to me."),
    # Play, care done properly, pets and the telly.
    ("My grandson sat on my legs while we watched the telly with a blanket.",
     "My grandson sat on my legs while he went through my purse."),
    ("He held me down on the sofa and tickled me till I cried laughing.", "He held me down on the sofa till I cried."),
    ("She pushes me up against the table in my chair and puts the brakes on.",
     "She pushes me up against the table till I cry."),
    ("The dog flew at me with a stick in his mouth, he wanted to play.", "My son flew at me with a stick."),
    ("Our Bella knocks me about when I come in from work, she's that excited to see me.",
     "Our Dai knocks me about when I come in from work."),
    ("In EastEnders last night he came at her with a knife.", "Last night he came at her with a knife."),
    # Photos for the clinic, a baby in the bath, exposure to a risk or in the news, flashing lights.
    ("The nurse took photos of me undressed for the skin clinic.", "The lodger took photos of me undressed."),
    ("Nan took photos of him in the bath when he was a baby.", "The carer took photos of him in the bath."),
    ("He keeps exposing himself to scams on the computer.", "He keeps exposing himself to me on the landing."),
    ("A man exposed himself in the park last week, it was on the news.",
     "A man exposed himself to me in the park last week."),
    ("A driver flashed me, my lights were off.", "The man next door flashed me."),
    ("He showed me his bits and bobs from the car boot.", "He showed me his bits."),
    ("He made me watch the rugby with him every Saturday.", "He made me watch him with the door locked."),
    # A swim, a charity dip, what we did as kids, the car fixed, the quay in summer, someone not liked.
    ("She talks about walking into the sea for the Boxing Day dip every year.",
     "She talks about walking into the sea."),
    ("Dad's always going on about jumping off the bridge at Llangollen as a lad.",
     "Dad's always going on about jumping off the bridge at Llangollen."),
    ("Dad said he'd lie under the car tomorrow and sort the exhaust.",
     "Dad said he'd lie down on the railway line tomorrow."),
    ("Mae'r plant yn neidio oddi ar y cei yn yr haf.", "Mae hi am neidio oddi ar y cei heno."),
    ("Most people don't find me easy to talk to.", "Don't try and find me."),
    ("We got a right pasting off Bangor in the cup, six nil.", "I got a right pasting off my son in the kitchen."),
    ("She laid into me about the bins.", "She laid into me, I've got a split lip."),
    ("Dad gave me a clip round the ear when I was nine.", "Dad gave me a clip round the ear last night."),
    # A phone bill gone through together.
    ("My dad checks my phone bill with me each month.", "My dad checks my phone when I'm asleep."),
])
def test_everyday_talk_in_the_same_words_matches_no_pattern(ordinary, twin):
    assert not alert_patterns(ordinary), ordinary
    assert alert_patterns(twin), twin


def test_a_hand_that_steadies_is_no_phrase_pattern():
    """Held against the wall to be steadied is not what the pattern of being held against it hears (the
    model alone still raises a banner on this one: its words are those of the disclosures it learnt)."""
    assert not alert_patterns("The carer held me against the wall to steady me while she pulled my trousers up.")
    assert alert_patterns("The carer held me against the wall while she shouted in my face.") == ["physical"]


@pytest.mark.parametrize("text, matches", [
    # A phone checked at the person's side or to keep it working is help; checked behind their back is not.
    ("My son checks my phone every weekend to update it, I sit with him and we have a cuppa.", False),
    ("He takes my phone off me at night to charge it, the socket's on his side.", False),
    ("He checks my phone every night when I'm asleep.", True),
    # A programme one is made to watch is an evening in; films one did not want are not.
    ("He'd leave me if I made him watch another episode of that baking programme.", False),
    ("He made me watch films I didn't want to, on his laptop.", True),
])
def test_older_patterns_leave_help_and_telly_alone(text, matches):
    assert bool(alert_patterns(text)) is matches


@pytest.mark.parametrize("text", [
    "If the council moves me I'll drive off the quay at Pwllheli before I pack a box.",
    "One of these days I'm going to walk off the end of the pier and that'll be that.",
    "She says she's gonna step in front of the next bus.",
    "I've kept my tablets back all month and I'm going to take them all at once tonight.",
    "going out for a bit. don't try and find me",
    "He'd rather lie down in front of a train than go into that nursing home.",
    "Mae o'n deud y bydd o'n gyrru oddi ar y cei un noson.",
    "I'll take them all at once tonight.",
    "I'm taking them all at once tonight.",
])
def test_a_way_to_die_said_as_what_one_will_do_alerts(text):
    assert "risk_to_life" in alert_patterns(text)


@pytest.mark.parametrize("text", [
    "I'll drive over the bridge to see her on Sunday.",
    "We'll walk to the end of the pier for an ice cream.",
    "I'm going to walk into the sea for a paddle if it's warm.",
    "I take them all at once with my breakfast, the pharmacist said it's fine.",
    "Don't come looking for me, I'll be in the garden.",
    "I'd rather go under a train than sit through another of his quizzes, ha.",
])
def test_a_drive_a_walk_or_a_paddle_is_no_way_to_die(text):
    assert "risk_to_life" not in alert_patterns(text)
