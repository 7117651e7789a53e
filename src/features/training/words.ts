/*
 * 2048 short, common, easy-to-type English words for progress codes (11 bits each): five words
 * give 55 bits, enough that guessing a code under attempt limits is hopeless. Written for
 * Alongside; words that could unsettle a learner (weapons, policing, "rescue") are left out.
 */
export const WORDS: readonly string[] = `
able acid acorn acre act actor add adult aft age agent aid aim air alarm album alert alike alley allow alpha
amber ample angle ankle apple april apron arch area arena arm arrow art ash aside ask atlas atom attic audio
aunt autumn avoid awake award axis back bacon badge bag bake baker balance ball bamboo banana band bank bar
barn barrel base basin basket bat batch bath beach bead beam bean bear beard beat bed bee beef beet bell belt
bench berry best bike bill bird birth bison bit black blade blank blend bless block bloom blow blue blush
board boat body boil bold bolt bone bonus book boot border boss both bottle bowl box brain brake branch brave
bread break breeze brick bridge brief bright brisk broad bronze brook broom brown brush bubble bucket bud
buddy budget buffalo bugle build bulb bundle bunny bus bush butter button buyer cabin cable cactus cake calm
camel camera camp canal candle candy cane canoe canvas canyon cap cape car card cargo carpet carrot cart case
cash cast castle cat catch cattle cave cedar cell cello cent cereal chair chalk chance change chant chapel
charm chart chase cheek cheese chef cherry chess chest chick chief chili chin chip choir chord chunk cider
cinema circle city civic claim clam clap class claw clay clean clerk click cliff climb clock cloth cloud
clover club clue coach coast coat cocoa coconut code coffee coin cold collar colt comet comic coral cord core
corn couch count country cousin cover cow crab craft crane crate crayon cream creek crew cricket crisp crop
cross crowd crown crust cube cup curl curve cycle daisy dance dash data dawn day deal debate decade deck deer
delta denim depth desert desk detail dial diary diet dime diner dinner dish dock doctor dog doll dollar dome
door dot dough dove draft dragon drama draw dream dress drift drill drink drive drum duck dune dust eagle
earth easel east echo edge egg eight elbow elder elk elm ember empty engine equal era errand essay even event
exit extra fabric face fact fair fairy falcon fame family fan farm fast fawn feast feather fence fern ferry
fever fiber field fifty film final finch find fire firm fish five flag flame flash flask fleet flint float
flock flood floor flour flower flute foam focus fog foil folk food foot forest fork form fort forty fossil fox
frame fresh friend frog frost fruit fudge fuel fun fur gadget galaxy game garage garden garlic gate gauge
gecko gem gentle giant gift ginger giraffe glad glass globe glove glow glue goal goat gold golf goose gorilla
gown grace grain grape graph grass gravel gravy great green grid grill grin grip grove guard guest guide
guitar gulf gull habit hail hair half hall ham hand harbor harp harvest hat hawk hazel head heart heat hedge
hello helmet help hen herb hero heron hill hinge hint hippo hobby hockey hold hole holly home honey hood hook
hope horn horse host hotel hour house hub human humor hut ice icon idea igloo image inch index ink inlet input
iron island ivory ivy jacket jade jaguar jam jar jazz jeans jelly jewel job jog join joke journey joy juice
jump jungle kayak keen kettle key kick kind king kite kitten kiwi knee knob knot koala label lace ladder lake
lamb lamp land lane laptop large laser latch late laugh lava lawn layer leaf learn leather lemon lens lesson
letter level lever library lid light lilac lily lime limit line linen lion lip liquid list little live lizard
llama loaf lobby local lock lodge loft logic long loop lotus loud lunar lunch lute lyric magic magnet maize
major mango manor map maple marble march mare market mask mason match meadow meal medal melody melon memo menu
merit mesa metal meter middle midnight milk mill mimic mind mint minute mirror mist mitten mix model modem
moment monkey month moon moose morning mosaic moss motor mount mouse mouth movie mud muffin mug mule museum
music mustard nail name napkin narrow nation native nature navy neck nectar needle nest net never new night
noble noise noodle north nose note novel number nurse nut oak oasis oat ocean octave offer office oil olive
omega onion open opera orange orbit orchid order organ otter outer oval oven owl owner oxygen oyster pace
pacific paddle page paint palace palm panda panel pantry paper parade parcel park parrot party pasta patch
path patio pause peach peak peanut pear pebble pecan pedal pen pencil penny pepper perch piano picnic pie pier
pig pigeon pillow pilot pine pink pipe pitch pizza place plain plane planet plant plate plaza plum plume
pocket poem poet point polar pole pond pony pool poppy porch port post potato pouch powder prairie prince
print prism prize proof prose pudding puffin pulse pumpkin pupil puppy purple puzzle pyramid quail quart queen
quest quick quiet quilt quote rabbit raccoon radar radio raft rain rainbow raisin rake ramp ranch range rapid
raven ray reader recipe record reef relay remote rhythm ribbon rice ridge ring ripple river road robin robot
rock rocket rodeo roof room root rope rose round route royal ruby rug ruler rumba runway rustic saddle safari
sage sail salad salmon salon salt sand sandal satin sauce saucer scale scarf scene school scoop scout screen
script scroll sea seal season seat second seed shade shadow shark shawl sheep shelf shell shine ship shirt
shoe shore shovel show shrub side sign silk silver simple siren sister sketch ski skill skirt sky slate sled
sleeve slice slide slope smile snack snail snake snow soap soccer sock sofa soft solar solid solo sonar song
sound soup south space spark sparrow spice spider spine spiral spirit spoon sport spot spring sprout square
squash stable stadium staff stage stair stamp star station steam steel stem step stew stick stone stool storm
story stove straw stream street string studio sugar suit summer sun sunset supper surf swan sweater swift swim
swing symbol syrup table tablet taco tail talent tango tank tape target taxi tea teacher team teapot temple
tempo tennis tent term thread thumb thunder ticket tide tiger tile timber time tin tiny toast today toe token
tomato tone tool tooth topic torch total tower town toy track trail train tray treat tree trend tribe trio
trophy truck trumpet trunk tulip tuna tune tunnel turkey turn turtle tutor twig twin type umbrella uncle union
unit upper urban usual valley value van vapor vase vector velvet venue verse vessel vest video view villa
village vine violet violin visit vista vivid voice volume voyage wafer wagon walk wall walnut walrus wand
water wave wax way wealth weather web wedge well west whale wheat wheel whistle white wide willow wind window
wing winter wire wise wish wolf wood wool word work world worm wreath wrist yacht yard yarn year yellow yoga
yogurt young zebra zero zinc zone zoo abbey absorb accent accept access active adapt admire adopt advice
affair afford agenda agree ahead alive almond alpine alter amaze anchor animal annual answer antler anvil
apart appear arcade arctic argue arise armchair aroma arrive artist aspen asset assist assume attach attend
author autumnal avenue avocado badger bagel bakery ballad ballet banjo banner barley baron basil beacon beagle
beaver become before begin behave belong beside better beyond bicycle binder biscuit bishop blanket blazer
blossom blouse bobcat bonnet bounce bouquet bowler bracket breath broker buckle buffet bunker burrow cabinet
cadet caliber camper candid canopy capital captain caramel cardigan career carol cashew casual catalog cavern
celery cement center ceramic chamber channel chapter charter cheddar cheetah chestnut chimney chorus cinder
citrus clarinet classic climate closet cobalt cobra cocoon collect colony column combine comfort common
compass concert condor copper cosmic cotton cougar county courage course cousinly cradle crater credit crimson
crystal cuckoo culture cupcake curtain cushion custom cypress dainty damp dancer dazzle decent decimal declare
decoy deliver denver derby design desire dessert devote diamond digit dinghy direct discus dolphin donkey
doodle double drawer driver drizzle dugout durable eager easy ebony eclipse effort elastic elegant element
elevate elephant eleven embark emerald empire enamel enjoy enough entry envoy episode equator estate evening
exact example excite expand expert fabled falcons fancy fashion feline fender festival fiddle figure filter
finger fitness fixture flannel flicker flight flutter folder follow forever fortune forward fountain fourth
fragile freedom freight frozen funnel gallery gallon garnet gazebo general genius geyser gifted glacier glider
goblet golden gondola gospel gourmet granite gravity grocer ground growth gumbo gypsum habitat hamlet hammock
handle happy harmony haven heater helium hermit highway hiking history hollow honest horizon hornet hostel
humble hundred hurdle husky hybrid iceberg ideal impact import impulse indigo infant inner insect insight
inspire invite itself jackal jasmine jasper javelin jester jigsaw jockey jolly journal jovial jumbo juniper
kernel kidney kingdom kitchen knight lagoon lantern lapel lattice launch lavender leader legend leisure
lemonade leopard lettuce liberty lighter limber linger lively lobster locket logbook lookout lottery lucky
lumber luster machine maestro magenta mammoth manner mantle marina marker marvel meadowy measure mellow member
mentor mercury mermaid message method mineral minnow mission mobile modest molten monarch monitor moral morsel
mosquito motion muscle mystic narwhal natural nebula nephew network neutral nickel nimble normal notebook
nothing nugget numeral nutmeg oatmeal object oblong ocelot octopus olympic onward opal optimal oracle orbital
orchard ostrich outdoor outfit outpost overlay paddock pageant palette pamphlet panther papaya paprika paragon
parasol parka parsley partner passage pastel pasture pattern payment peacock pelican pendant penguin perfect
permit person petal pewter phoenix photo pickle pilgrim pinnacle pioneer pirate planter plaster platinum
playful pleasant plenty plucky plumber podium polish pollen popcorn portal potter precise pretzel primary
process produce profit program promise prompt proper protein proud provide public puddle pulley purpose
pursuit python quarter quartz quiver rafter railway rally ranger rapids rascal rattle reason rebel recess
reform refuge regal region relish remedy render reserve result retreat reunion reveal review riddle ritual
rival roadway rocker rooster rotate rover rubber rudder rumble sailor salute sample sandbox sapphire sardine
satchel saturn savory scallop scarlet scenic scholar science scissors scooter seashell segment select seminar
senior sensor sequel serene sesame settle shadowy shallow shelter shimmer shrimp signal silent sincere singer
skillet skyline slender slipper smooth snapper snorkel society sonnet spaniel sparkle special speedy sphinx
spinach splendid sponge spruce squirrel stallion stanza starfish statue steady stellar sticker student subject
submit subtle succeed sudden summit sunbeam sunny superb supply support surface surplus swallow system tactic
tadpole tailor tapestry tavern teammate tender terrace texture thimble thistle thrifty tinsel toaster toddler
tornado toucan tourist tractor traffic trapeze travel treasure tribute trolley tuxedo twinkle typical ukulele
ultra unicorn uniform unique unity upbeat update uphill upward useful utmost vacant valiant vanilla velcro
venture verdict version vibrant victory vintage virtue visitor vital vortex voyager waffle warden wasabi
weaver welcome whisker whisper widget wildcat windmill wisdom wizard wombat wonder woodland worthy yonder
zealous zenith zephyr zigzag zipper abacus acrobat admiral adverb aerial airline airport alcove allergy
almanac alumni amulet anagram angler antelope apricot aquarium archer artwork asphalt asteroid athlete attire
auction backpack balcony balloon baritone barnacle baseball bathtub battery bazaar beetle begonia belfry
bellhop beret billiard bistro blender blimp blizzard bluebird boarding bobsled bonfire bookcase boulder boxcar
bracelet brewery brisket brochure brownie bulldog bungalow burlap butler buzzard cabbage caboose cafe calendar
calico campfire canary canteen capsule caravan cardinal carnival carousel cascade cashmere catfish cauldron
cellar chemist chipmunk chowder cinnamon citadel clipper coaster cobbler comb compost concrete confetti
corridor costume cottage cowboy coyote crescent croquet crouton crumpet daffodil decanter delight diploma
doorbell doormat dormouse dumpling dynamo earmuff easter eggplant elevator elixir emblem empress engraver
entree envelope eraser espresso falconer ferret fiesta firefly flagpole flamingo flapjack flipper florist
foghorn footpath forklift freckle frisbee frosting gardener gargoyle gazelle gingham glitter goldfish gopher
gourd granola griddle grizzly gumdrop hairpin halibut hallway hamster handbag hangar haystack hazelnut
headband hedgehog hemlock hibiscus hilltop honeybee hotdog hummus iguana inkwell jackpot jamboree jetty
jukebox kangaroo keyboard keystone kingfish kiosk ladybug lamppost landmark lanyard larkspur laundry lemur
lifeboat limerick lobelia lollipop lunchbox macaroni magnolia mailbox mandolin manatee mangrove marigold
mascot meerkat meringue microbe minstrel moccasin mongoose moonbeam mortar mudflat mushroom mustang nautilus
nightcap oarlock observer omelet orbiter outback paintbox pancake panorama parakeet parsnip passport peapod
pheasant piccolo pinecone pinwheel pitcher plankton platypus postcard pothole pottery primrose quokka radish
ragtime rainboot rainfall recital reindeer rhubarb
`
  .trim()
  .split(/\s+/);
