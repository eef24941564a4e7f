"""The natural-voice dev set's messages: written for it, with the truth of each.

People, companies and numbers are invented (numbers in the fictional 555-01XX range). The cases
are the ones issue #12 lists as failing on natural voices: terse introductions with no "this
is", a third person to ask for, the best of two numbers, "double four", "oh one double nine",
"oh one hundred", fast digits without pauses, rare names spelled out; plus the usual kinds
(extension, "this number", a retracted number, no call back needed, a number said twice).

Each entry: id, layout (asterisk | google-voice | plain | bare), voice (kokoro:NAME or
piper:joe), speed, text, truth fields, caller ID, and for Google messages the transcript
Google would show (written as Google writes it: digits, sometimes a name misheard).
"""

from __future__ import annotations


def _m(id, layout, voice, speed, text, *, name, company, number, ask_for, ext=None, explicit=False,
       alt=(), cid=None, cnam=None, google=None, category="callback"):
    return dict(id=id, layout=layout, voice=voice, speed=speed, text=text, caller_name=name,
                company=company, callback_number=number, ask_for=ask_for, extension=ext,
                ask_for_explicit=explicit, alt_numbers=list(alt), caller_id_number=cid,
                caller_id_name=cnam, google=google, category=category)


MESSAGES = [
    _m("N01", "asterisk", "kokoro:am_michael", 1.1,
       "Sam, Kofi Mensah, Ashgrove Labs. Quick one about the supplier contract. "
       "Call me on four one five, five five five, oh one two seven. Thanks.",
       name="Kofi Mensah", company="Ashgrove Labs", number="+14155550127", ask_for="Kofi Mensah",
       cid="+14155550100", cnam="ASHGROVE LABS", category="terse"),
    _m("N02", "asterisk", "kokoro:af_sarah", 1.0,
       "Hi, this is Maureen Ochoa from Linden Park Elementary. Your son's field trip form is missing "
       "a signature. Please call the front office at seven one eight, five five five, oh one four two, "
       "and ask for our school nurse, Bridget Gallagher. Thank you.",
       name="Maureen Ochoa", company="Linden Park Elementary", number="+17185550142",
       ask_for="Bridget Gallagher", explicit=True, cid="+17185550100", cnam="LINDEN PARK ELE",
       category="third_person"),
    _m("N03", "google-voice", "kokoro:am_adam", 1.0,
       "Hey Sam, it's Darius Whitfield with Crestmoor Properties, about the lease renewal. The office "
       "is six one seven, five five five, oh one hundred, but my cell is best: six one seven, five five "
       "five, oh one eight three. Again, six one seven, five five five, oh one eight three.",
       name="Darius Whitfield", company="Crestmoor Properties", number="+16175550183",
       ask_for="Darius Whitfield", alt=["+16175550100"], cid="+16175550100",
       google="Hey Sam it's Darius Whitfield with Crestmoor properties about the lease renewal. The "
              "office is 617-555-0100 but my cell is best 617-555-0183. Again 617-555-0183.",
       category="best_of_two"),
    _m("N04", "plain", "kokoro:af_heart", 1.0,
       "Hello, this is Anjali Rao calling from Meridian Health Partners about your appointment on "
       "Friday. Please call us back at nine one nine, five five five, oh one double four. Thank you.",
       name="Anjali Rao", company="Meridian Health Partners", number="+19195550144",
       ask_for="Anjali Rao", cid="+19195550100", cnam="MERIDIAN HEALTH", category="double"),
    _m("N05", "asterisk", "kokoro:bm_george", 1.15,
       "Hi Sam, Ewan here, from Tallis Reed. Ring me back on five oh three, five five five, oh one "
       "double nine. Cheers.",
       name="Ewan", company="Tallis Reed", number="+15035550199", ask_for="Ewan",
       cid="+15035550199", category="double"),
    _m("N06", "google-voice", "kokoro:bf_emma", 1.0,
       "Good afternoon, this is Helena Brandt, in HR at Ostrava Components. I'd like to set up a second "
       "interview. Call the main line at three one two, five five five, oh one hundred, extension four "
       "twenty two. Thanks very much.",
       name="Helena Brandt", company="Ostrava Components", number="+13125550100", ext="422",
       ask_for="Helena Brandt", cid="+13125550100",
       google="Good afternoon this is Helena Brandt in HR at Ostrava components. I'd like to set up a "
              "second interview. Call the main line at 312-555-0100 extension 422. Thanks very much.",
       category="hundred_ext"),
    _m("N07", "plain", "kokoro:am_eric", 1.25,
       "Hi, it's Marcus Lee from Brightline Movers. Your moving date is confirmed, but I need the new "
       "address. My number is eight oh one five five five oh one five nine.",
       name="Marcus Lee", company="Brightline Movers", number="+18015550159", ask_for="Marcus Lee",
       cid="+18015550100", category="fast"),
    _m("N08", "asterisk", "kokoro:af_bella", 1.0,
       "Hi Sam, this is Saoirse Dunleavy, that's S, A, O, I, R, S, E, from Kestrel Analytics. I'm "
       "following up on the data engineer role. Please call me at two oh six, five five five, oh one "
       "three one.",
       name="Saoirse Dunleavy", company="Kestrel Analytics", number="+12065550131",
       ask_for="Saoirse Dunleavy", cid="+12065550100", cnam="KESTREL ANALYTI", category="rare_name"),
    _m("N09", "google-voice", "piper:joe", 1.0,
       "Hi, my name is Tomasz Grzybowski, G, R, Z, Y, B, O, W, S, K, I, with Vistula Freight. Please "
       "call me back at seven three two, five five five, oh one six one.",
       name="Tomasz Grzybowski", company="Vistula Freight", number="+17325550161",
       ask_for="Tomasz Grzybowski", cid="+17325550161",
       google="Hi my name is Thomas Gerbowski GRZYBOWSKI with Vistula freight. Please call me back "
              "at 732-555-0161.",
       category="rare_name"),
    _m("N10", "plain", "kokoro:af_sky", 1.0,
       "Hi Sam, it's Jenna from Lakeview Dental. We need to move your cleaning to next Tuesday. Just "
       "call us back at this number. Thanks.",
       name="Jenna", company="Lakeview Dental", number=None, ask_for="Jenna",
       cid="+16305550114", cnam="LAKEVIEW DENTAL", category="this_number"),
    _m("N11", "asterisk", "kokoro:bm_lewis", 1.0,
       "Hi Sam, this is Oliver Grant from Sterling Auto. Just letting you know your car is ready for "
       "pick up. No need to call back. See you soon.",
       name="Oliver Grant", company="Sterling Auto", number=None, ask_for=None,
       cid="+14405550108", cnam="STERLING AUTO", category="no_call"),
    _m("N12", "google-voice", "kokoro:af_heart", 0.9,
       "Hi, this is Rebecca Lindqvist from Harborview Bank, regarding your mortgage application. "
       "Please call me directly at four oh four, five five five, oh one seven six. Again, that's four "
       "oh four, five five five, oh one seven six.",
       name="Rebecca Lindqvist", company="Harborview Bank", number="+14045550176",
       ask_for="Rebecca Lindqvist", cid="+14045550100",
       google="Hi this is Rebecca Lindquist from Harbor View Bank regarding your mortgage application. "
              "Please call me directly at 404-555-0176. Again that's 404-555-0176.",
       category="twice"),
    _m("N13", "bare", "kokoro:af_bella", 1.1,
       "Sam, Priya Natarajan, Copperfield Legal. Returning your call about the contract. Five one two, "
       "five five five, oh one three eight.",
       name="Priya Natarajan", company="Copperfield Legal", number="+15125550138",
       ask_for="Priya Natarajan", category="terse"),
    _m("N14", "asterisk", "kokoro:am_liam", 1.0,
       "Hello, this is Graham Whitaker at Fernhill Recruiting. I'm out of the office from tomorrow, so "
       "please call my colleague, Nadia Sorensen, at nine seven one, five five five, oh one one two.",
       name="Graham Whitaker", company="Fernhill Recruiting", number="+19715550112",
       ask_for="Nadia Sorensen", explicit=True, cid="+19715550100", category="third_person"),
    _m("N15", "google-voice", "kokoro:bf_isabella", 1.0,
       "Hi Sam, it's Lucia Moreno from Bayside Realty. My old number was eight five eight, five five "
       "five, oh one two one, but please use eight five eight, five five five, oh one five three "
       "instead. Talk soon.",
       name="Lucia Moreno", company="Bayside Realty", number="+18585550153", ask_for="Lucia Moreno",
       alt=["+18585550121"], cid="+18585550121",
       google="Hi Sam it's Lucia Moreno from Bayside realty. My old number was 858-555-0121 but please "
              "use 858-555-0153 instead. Talk soon.",
       category="retract"),
    _m("N16", "plain", "piper:joe", 1.1,
       "Hi, Desmond Clarke, Northgate Insurance, about your claim. Call four eight oh, five five five, "
       "oh one oh five, extension two oh seven.",
       name="Desmond Clarke", company="Northgate Insurance", number="+14805550105", ext="207",
       ask_for="Desmond Clarke", cid="+14805550100", cnam="NORTHGATE INS", category="terse_ext"),
    _m("N17", "asterisk", "kokoro:af_sarah", 1.0,
       "Hi Sam, this is Amelia Hart from Oakridge Pediatrics, calling to confirm Emma's check up. "
       "Please call us at double three four, triple five, oh one double seven.",
       name="Amelia Hart", company="Oakridge Pediatrics", number="+13345550177", ask_for="Amelia Hart",
       cid="+13345550100", cnam="OAKRIDGE PEDIAT", category="double"),
    _m("N18", "google-voice", "kokoro:bf_emma", 1.05,
       "Hey, it's Niamh Callaghan, N, I, A, M, H, from Portside Events. Call me back at six four six, "
       "five five five, oh one nine two, when you have a minute.",
       name="Niamh Callaghan", company="Portside Events", number="+16465550192",
       ask_for="Niamh Callaghan", cid="+16465550192",
       google="Hey it's Neve Callahan NIAMH from Portside events. Call me back at 646-555-0192 when you "
              "have a minute.",
       category="rare_name"),
    _m("N19", "plain", "kokoro:am_michael", 0.95,
       "Hi, call me back at two one four, five five five, oh one six six. This is Rafael Ortiz from "
       "Summit Ridge Roofing, about the estimate.",
       name="Rafael Ortiz", company="Summit Ridge Roofing", number="+12145550166",
       ask_for="Rafael Ortiz", cid="+12145550166", category="number_first"),
    _m("N20", "asterisk", "kokoro:af_heart", 1.05,
       "Hi Sam, this is Dana Kim calling from Willow Creek Veterinary. Biscuit's lab results are in. "
       "Our number is five four one, five five five, oh one oh eight. When you call, please ask for "
       "our practice manager, Aaron Feld.",
       name="Dana Kim", company="Willow Creek Veterinary", number="+15415550108",
       ask_for="Aaron Feld", explicit=True, cid="+15415550100", cnam="WILLOW CREEK VE",
       category="third_person"),
    _m("N21", "google-voice", "kokoro:am_eric", 1.2,
       "Hey Sam, Mike. Give me a shout when you get this.",
       name="Mike", company=None, number=None, ask_for="Mike", cid="+17735550117",
       google="Hey Sam Mike give me a shout when you get this.", category="terse"),
    _m("N22", "plain", "kokoro:af_bella", 1.2,
       "Hi, this is Zainab Adeyemi from Brookfield Tutoring, confirming Thursday's session. If anything "
       "changes, reach me at three oh five five five five oh one four seven. Thanks.",
       name="Zainab Adeyemi", company="Brookfield Tutoring", number="+13055550147",
       ask_for="Zainab Adeyemi", cid="+13055550100", category="fast"),
    _m("N23", "asterisk", "kokoro:bm_george", 1.0,
       "Hi, Caspar Voigt, V, O, I, G, T, Quillfeather Press. About the manuscript. Call me at two oh "
       "two, five five five, oh one two three.",
       name="Caspar Voigt", company="Quillfeather Press", number="+12025550123", ask_for="Caspar Voigt",
       cid="+12025550100", cnam="QUILLFEATHER PR", category="rare_name"),
    _m("N24", "google-voice", "kokoro:af_sky", 1.0,
       "Hi, it's Teresa Alvarez from Pinewood Credit Union. Call me at nine oh four, five five five, oh "
       "one one oh. That's nine oh four, five five five, oh one one oh.",
       name="Teresa Alvarez", company="Pinewood Credit Union", number="+19045550110",
       ask_for="Teresa Alvarez", cid="+19045550100",
       google="Hi it's Teresa Alvarez from Pinewood credit union. Call me at 904-555-0110. That's "
              "904-555-0110.",
       category="twice"),
    _m("N25", "bare", "piper:joe", 0.9,
       "Hello Sam, this is Viktor Petrov from Danube Imports. I'll be at my desk until five. My direct "
       "number is seven one three, five five five, oh one eight eight, extension fifty five.",
       name="Viktor Petrov", company="Danube Imports", number="+17135550188", ext="55",
       ask_for="Viktor Petrov", category="extension"),
    _m("N26", "asterisk", "kokoro:bf_isabella", 1.0,
       "Hi Sam, it's Harriet Boyle from Greystone Library. The book you reserved has arrived. You can "
       "pick it up any time, no need to call.",
       name="Harriet Boyle", company="Greystone Library", number=None, ask_for=None,
       cid="+16085550103", category="no_call"),
    _m("N27", "google-voice", "kokoro:am_adam", 1.05,
       "Hi Sam. Yusuf Demir, Anchor Point Logistics. You can call my desk at six one two, five five "
       "five, oh one three four, but my mobile is better: six one two, five five five, oh one nine five.",
       name="Yusuf Demir", company="Anchor Point Logistics", number="+16125550195",
       ask_for="Yusuf Demir", alt=["+16125550134"], cid="+16125550134",
       google="Hi Sam Yusuf Demir anchor point logistics. You can call my desk at 612-555-0134 but my "
              "mobile is better 612-555-0195.",
       category="best_of_two"),
    _m("N28", "plain", "kokoro:am_liam", 1.0,
       "Hey, it's Colm Brennan at Riverbend Brewing, about the event space. Call me at three one four, "
       "five five five, oh one two nine.",
       name="Colm Brennan", company="Riverbend Brewing", number="+13145550129", ask_for="Colm Brennan",
       cid="+13145550129", cnam="RIVERBEND BREWI", category="callback"),
]
