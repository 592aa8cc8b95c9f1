/*
 * The field tables of the four models, from ../shared/game-data/README.md,
 * and what is derived from them directly: lookups, the id format, "did you
 * mean" hints and the JSON Schema.
 */
#include "models/fields.h"

#include <ctype.h>
#include <string.h>

#include "common/num.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

const char *const ww_achievements[] = {"first-scratch",
				       "gold-hoarder",
				       "lucky-streak",
				       "scratch-master",
				       "scratch-legend",
				       "big-winner",
				       "jackpot",
				       "collector",
				       "ticket-variety",
				       "dedicated-player",
				       NULL};

static const char *const state_fields[] = {"currentGold",
					   "availableTickets",
					   "ownedTickets",
					   "unlockedScratchers",
					   "unlockedTicketTypes",
					   "totalTicketsScratched",
					   "totalGoldEarned",
					   "totalGoldSpent",
					   "highestWin",
					   "selectedScratcherId",
					   NULL};
static const char *const state_ops[] = {"add", "subtract", "set", "multiply", NULL};
static const char *const hand_ops[] = {"multiply", "add", "subtract", "set", "diff", NULL};
static const char *const hand_targets[] = {"prior", "next", "hand", "self", NULL};
static const char *const cond_types[] = {"greater", "less", "equal", NULL};
static const char *const ticket_types[] = {"Core", "Hand", "Crawl", NULL};
static const char *const reveal_mechanics[] = {"independent", NULL};
static const char *const reveal_deprecated[] = {"reveal-all", "reveal-one",  "match-three",
						"match-two",  "progressive", NULL};
static const char *const win_conditions[] = {
    "no-win-condition", "match-two",	    "match-three",	     "match-all",
    "find-one",		"find-one-dynamic", "total-value-threshold", NULL};
static const char *const win_deprecated[] = {"reveal-all-areas", "reveal-any-area", "match-symbols",
					     "progressive-reveal", NULL};

/* Shorthands for rows: name, type, required, doc. */
#define STR(n, req, d)                                                                             \
	{                                                                                          \
		n, WW_F_STRING, 0, req, NULL, NULL, 0, 0, 0, NULL, WW_REF_NONE, 0, d               \
	}
#define ID(n, d)                                                                                   \
	{                                                                                          \
		n, WW_F_STRING, 0, 1, NULL, NULL, 0, 0, 0, NULL, WW_REF_NONE, WW_FF_ID, d          \
	}
#define ENUM(n, req, v, dep, d)                                                                    \
	{                                                                                          \
		n, WW_F_STRING, 0, req, v, dep, 0, 0, 0, NULL, WW_REF_NONE, 0, d                   \
	}
#define REF(n, req, r, d)                                                                          \
	{                                                                                          \
		n, WW_F_STRING, 0, req, NULL, NULL, 0, 0, 0, NULL, r, 0, d                         \
	}
#define NUM(n, req, rg, lo, hi, d)                                                                 \
	{                                                                                          \
		n, WW_F_NUMBER, 0, req, NULL, NULL, rg, lo, hi, NULL, WW_REF_NONE, 0, d            \
	}
#define BOOL(n, req, d)                                                                            \
	{                                                                                          \
		n, WW_F_BOOL, 0, req, NULL, NULL, 0, 0, 0, NULL, WW_REF_NONE, 0, d                 \
	}
#define OBJ(n, req, m, d)                                                                          \
	{                                                                                          \
		n, WW_F_OBJECT, 0, req, NULL, NULL, 0, 0, 0, &m, WW_REF_NONE, 0, d                 \
	}
#define ARR(n, req, m, fl, d)                                                                      \
	{                                                                                          \
		n, WW_F_ARRAY, WW_F_OBJECT, req, NULL, NULL, 0, 0, 0, &m, WW_REF_NONE, fl, d       \
	}
#define MODEL(var, name, doc, rows) static const ww_model var = {name, doc, rows, N(rows)}

static const ww_field state_effect_f[] = {
    ENUM("field", 1, state_fields, NULL, "the player-state field the effect changes"),
    ENUM("operation", 1, state_ops, NULL, "how the value is applied"),
    {"value", WW_F_STATE_VALUE, 0, 1, NULL, NULL, 0, 0, 0, NULL, WW_REF_NONE, 0,
     "a number, a string or an array of strings"},
};
MODEL(state_effect_m, "stateEffect", "a change to the player's state", state_effect_f);

static const ww_field condition_f[] = {
    ENUM("type", 1, cond_types, NULL, "the comparison"),
    ENUM("target", 1, hand_targets, NULL, "what the condition looks at"),
    ENUM("operation", 1, hand_ops, NULL, "the operation applied when it holds"),
    NUM("amount", 1, 0, 0, 0, "the operand"),
};
MODEL(condition_m, "handCondition", "a condition of a hand effect", condition_f);

static const ww_field hand_effect_f[] = {
    ENUM("operation", 1, hand_ops, NULL, "the operation on the target"),
    ENUM("target", 1, hand_targets, NULL, "which card or hand it applies to"),
    NUM("amount", 1, 0, 0, 0, "the operand"),
    ARR("conditions", 0, condition_m, 0, "conditions that change the operation"),
};
MODEL(hand_effect_m, "handEffect", "an effect on the player's hand", hand_effect_f);

static const ww_field effects_f[] = {
    ARR("stateEffects", 0, state_effect_m, 0, "changes to the player's state"),
    REF("achievementId", 0, WW_REF_ACHIEVEMENT, "an achievement the prize unlocks"),
    OBJ("handEffect", 0, hand_effect_m, "an effect on the hand"),
};
MODEL(effects_m, "effects", "what winning the prize does", effects_f);

static const ww_field prize_f[] = {
    ID("id", "unique among prizes"),
    STR("name", 1, "display name"),
    STR("value", 1, "display text only (\"1000 Gold\"); not a number"),
    STR("emoji", 1, "the symbol shown; match win conditions compare emoji"),
    OBJ("effects", 0, effects_m, "what winning it does"),
};
MODEL(prize_m, "prize", "a prize a ticket can reveal", prize_f);

static const ww_field style_f[] = {
    STR("overlayColor", 0, "CSS colour or gradient of the scratch overlay"),
    STR("overlayPattern", 0, "text drawn on the overlay"),
};
MODEL(style_m, "style", "how the scratcher's overlay looks", style_f);

static const ww_field scratcher_f[] = {
    ID("id", "unique among scratchers"),
    STR("name", 1, "display name"),
    STR("description", 1, "display text"),
    STR("symbol", 1, "emoji"),
    NUM("scratchRadius", 1, WW_R_MIN_EXCL, 0, 0, "pixels, > 0"),
    OBJ("style", 0, style_m, "overlay style"),
};
MODEL(scratcher_m, "scratcher", "a scratching tool", scratcher_f);

static const ww_field area_f[] = {
    ID("id", "unique within the ticket"),
    NUM("topPercent", 1, WW_R_MIN | WW_R_MAX, 0, 1, "fraction 0..1 of the ticket height"),
    NUM("leftPercent", 1, WW_R_MIN | WW_R_MAX, 0, 1, "fraction 0..1 of the ticket width"),
    NUM("widthPercent", 1, WW_R_MIN | WW_R_MAX, 0, 1, "fraction 0..1 of the ticket width"),
    NUM("heightPercent", 1, WW_R_MIN | WW_R_MAX, 0, 1, "fraction 0..1 of the ticket height"),
    NUM("canvasWidth", 1, WW_R_MIN_EXCL, 0, 0, "pixels, > 0"),
    NUM("canvasHeight", 1, WW_R_MIN_EXCL, 0, 0, "pixels, > 0"),
    NUM("revealThreshold", 1, WW_R_MIN | WW_R_MAX, 0, 100, "percent scratched to reveal, 0..100"),
};
MODEL(area_m, "scratchArea", "an area of the ticket the player scratches", area_f);

static const ww_field prize_config_f[] = {
    REF("prizeId", 1, WW_REF_PRIZE, "a prize id"),
    NUM("weight", 1, 0, 0, 0, "relative weight; <= 0 is skipped by the game"),
};
MODEL(prize_config_m, "prizeConfig", "one prize of the ticket's pool", prize_config_f);

static const ww_field bet_option_f[] = {
    NUM("order", 1, 0, 0, 0, "1, 2 or 3, each once"),
    NUM("betAmount", 1, WW_R_MIN_EXCL, 0, 0, "gold bet, > 0"),
    STR("description", 1, "display text"),
    NUM("minPrizeThreshold", 1, WW_R_MIN, 0, 0,
	"smallest prize value the multiplier applies to, >= 0"),
    NUM("winMultiplier", 1, WW_R_MIN_EXCL, 0, 0, "multiplier, > 0"),
    BOOL("isRefundable", 0, "whether the bet is returned"),
    STR("badge", 0, "label shown on the option"),
};
MODEL(bet_option_m, "betOption", "one bet the player can place", bet_option_f);

static const ww_field betting_f[] = {
    BOOL("enabled", 1, "whether the ticket takes bets"),
    ARR("betOptions", 1, bet_option_m, 0, "exactly three options, orders 1, 2, 3, when enabled"),
    STR("insufficientFundsMessage", 0, "shown when the player cannot pay"),
};
MODEL(betting_m, "bettingConfig", "betting on a ticket", betting_f);

static const ww_field ticket_f[] = {
    ID("id", "unique among tickets"),
    STR("name", 1, "display name"),
    STR("description", 1, "display text"),
    ENUM("type", 0, ticket_types, NULL, "Core, Hand or Crawl"),
    ARR("scratchAreas", 1, area_m, WW_FF_NONEMPTY, "the areas to scratch, at least one"),
    ENUM("revealMechanic", 1, reveal_mechanics, reveal_deprecated, "how areas reveal"),
    ENUM("winCondition", 1, win_conditions, win_deprecated, "how the ticket wins"),
    NUM("ticketWidth", 1, WW_R_MIN_EXCL, 0, 0, "pixels, > 0"),
    NUM("ticketHeight", 1, WW_R_MIN_EXCL, 0, 0, "pixels, > 0"),
    STR("backgroundImage", 0, "asset path"),
    STR("backgroundImageKey", 0, "bundled asset key"),
    NUM("goldCost", 0, WW_R_MIN, 0, 0, "price in gold, >= 0 (default 5; 0 is free)"),
    ARR("prizeConfigs", 0, prize_config_m, 0, "the prize pool with relative weights"),
    REF("targetPrizeId", 0, WW_REF_PRIZE, "the prize to find, needed by find-one"),
    NUM("valueThreshold", 0, 0, 0, 0, "needed by total-value-threshold"),
    REF("winningSymbolAreaId", 0, WW_REF_AREA,
	"one of this ticket's scratch areas, needed by find-one-dynamic"),
    OBJ("bettingConfig", 0, betting_m, "betting options"),
};
MODEL(ticket_m, "ticket", "a scratch ticket (the frontend's ticket layout)", ticket_f);

static const ww_field store_f[] = {
    ID("id", "unique among stores"),
    STR("name", 1, "display name"),
    STR("description", 1, "display text"),
    NUM("unlockRequirement", 1, WW_R_MIN, 0, 0, "total gold earned needed, >= 0; 0 = open"),
    {"ticketIds", WW_F_ARRAY, WW_F_STRING, 1, NULL, NULL, 0, 0, 0, NULL, WW_REF_TICKET, 0,
     "ticket ids sold here"},
    STR("icon", 1, "emoji"),
};
MODEL(store_m, "store", "a store that sells tickets", store_f);

static const ww_model *const top_models[WW_KIND_COUNT] = {&prize_m, &scratcher_m, &ticket_m,
							  &store_m};

const ww_model *ww_model_of(ww_kind k)
{
	return (unsigned)k < WW_KIND_COUNT ? top_models[k] : NULL;
}

const ww_field *ww_model_field(const ww_model *m, const char *name, size_t len)
{
	size_t i;

	/* Every member of every definition comes here: the first byte turns
	 * away most fields before a string compare. */
	if (!len)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (m->fields[i].name[0] == name[0] && !strncmp(m->fields[i].name, name, len) &&
		    !m->fields[i].name[len])
			return &m->fields[i];
	return NULL;
}

int ww_id_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c == '-' && s[i + 1] != '-')
			continue;
		return 0;
	}
	return 1;
}

/* Levenshtein distance with case differences free, capped at 64 chars. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65], prev;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (tolower((unsigned char)a[i - 1]) !=
					     tolower((unsigned char)b[j - 1]));
			size_t best = sub;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *ww_did_you_mean(const char *s, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t i, bestd = (size_t)-1, len = strlen(s), limit;

	limit = len < 4 ? 1 : len / 3;
	for (i = 0; i < n; i++) {
		size_t d;
		if (!candidates[i] || !strcmp(candidates[i], s))
			continue;
		d = distance(s, candidates[i]);
		if (d < bestd) {
			bestd = d;
			best = candidates[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

/* ---- JSON Schema ----------------------------------------------------- */

static void put_str(ww_buf *out, const char *s)
{
	ww_buf_put_json_string(out, s, strlen(s));
}

static void put_num(ww_buf *out, double x)
{
	char t[32];

	ww_num_format(x, t);
	ww_buf_puts(out, t);
}

static void schema_enum(ww_buf *out, const ww_field *f)
{
	const char *const *v;
	int first = 1;

	ww_buf_puts(out, ",\"enum\":[");
	for (v = f->values; *v; v++, first = 0) {
		if (!first)
			ww_buf_putc(out, ',');
		put_str(out, *v);
	}
	for (v = f->deprecated; v && *v; v++) {
		ww_buf_putc(out, ',');
		put_str(out, *v);
	}
	ww_buf_putc(out, ']');
}

static void schema_field(ww_buf *out, const ww_field *f)
{
	ww_buf_putc(out, '{');
	ww_buf_puts(out, "\"description\":");
	put_str(out, f->doc);
	switch (f->type) {
	case WW_F_STRING:
		ww_buf_puts(out, ",\"type\":\"string\"");
		if (f->flags & WW_FF_ID)
			ww_buf_puts(out,
				    ",\"pattern\":\"^[a-z0-9]+(-[a-z0-9]+)*$\",\"maxLength\":2048");
		if (f->values)
			schema_enum(out, f);
		if (f->ref == WW_REF_ACHIEVEMENT) {
			const char *const *v;
			ww_buf_puts(out, ",\"enum\":[");
			for (v = ww_achievements; *v; v++) {
				if (v != ww_achievements)
					ww_buf_putc(out, ',');
				put_str(out, *v);
			}
			ww_buf_putc(out, ']');
		}
		break;
	case WW_F_NUMBER:
		ww_buf_puts(out, ",\"type\":\"number\"");
		if (f->range & WW_R_MIN) {
			ww_buf_puts(out, ",\"minimum\":");
			put_num(out, f->min);
		}
		if (f->range & WW_R_MIN_EXCL) {
			ww_buf_puts(out, ",\"exclusiveMinimum\":");
			put_num(out, f->min);
		}
		if (f->range & WW_R_MAX) {
			ww_buf_puts(out, ",\"maximum\":");
			put_num(out, f->max);
		}
		break;
	case WW_F_BOOL:
		ww_buf_puts(out, ",\"type\":\"boolean\"");
		break;
	case WW_F_OBJECT:
		ww_buf_printf(out, ",\"$ref\":\"#/$defs/%s\"", f->model->name);
		break;
	case WW_F_ARRAY:
		ww_buf_puts(out, ",\"type\":\"array\"");
		if (f->flags & WW_FF_NONEMPTY)
			ww_buf_puts(out, ",\"minItems\":1");
		if (f->item == WW_F_OBJECT)
			ww_buf_printf(out, ",\"items\":{\"$ref\":\"#/$defs/%s\"}", f->model->name);
		else
			ww_buf_puts(out, ",\"items\":{\"type\":\"string\"}");
		break;
	case WW_F_STATE_VALUE:
		ww_buf_puts(out, ",\"oneOf\":[{\"type\":\"number\"},{\"type\":\"string\"},"
				 "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}]");
		break;
	}
	ww_buf_putc(out, '}');
}

static void schema_model(ww_buf *out, const ww_model *m)
{
	size_t i;
	int first = 1;

	ww_buf_printf(out, "\"%s\":{\"description\":", m->name);
	put_str(out, m->doc);
	ww_buf_puts(out, ",\"type\":\"object\",\"properties\":{");
	for (i = 0; i < m->n; i++) {
		if (i)
			ww_buf_putc(out, ',');
		put_str(out, m->fields[i].name);
		ww_buf_putc(out, ':');
		schema_field(out, &m->fields[i]);
	}
	ww_buf_puts(out, "},\"required\":[");
	for (i = 0; i < m->n; i++) {
		if (!m->fields[i].required)
			continue;
		if (!first)
			ww_buf_putc(out, ',');
		first = 0;
		put_str(out, m->fields[i].name);
	}
	ww_buf_puts(out, "],\"additionalProperties\":false}");
}

/* Every model reachable from the top-level ones, each once. */
static size_t collect(const ww_model *m, const ww_model **seen, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seen[i] == m)
			return n;
	seen[n++] = m;
	for (i = 0; i < m->n; i++)
		if (m->fields[i].model)
			n = collect(m->fields[i].model, seen, n);
	return n;
}

void ww_schema_write(ww_buf *out)
{
	const ww_model *seen[64];
	size_t n = 0, i;
	int k;

	for (k = 0; k < WW_KIND_COUNT; k++)
		n = collect(top_models[k], seen, n);
	ww_buf_puts(out,
		    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
		    "\"$id\":\"https://wwseed.invalid/schema/game-data.json\","
		    "\"title\":\"wwseed game-data file\","
		    "\"description\":\"A game-data file: the frontend export shape (an object "
		    "with any of prizes, scratchers, tickets, stores) or an array of one kind "
		    "(the kind from the file name). Generated by 'wwseed schema' from the same "
		    "field tables the validator uses; cross-references and DynamoDB limits "
		    "are checked by 'wwseed validate' only.\","
		    "\"anyOf\":[{\"$ref\":\"#/$defs/export\"}");
	for (k = 0; k < WW_KIND_COUNT; k++)
		ww_buf_printf(out, ",{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/%s\"}}",
			      top_models[k]->name);
	ww_buf_puts(out, "],\"$defs\":{\"export\":{\"description\":\"the frontend export shape\","
			 "\"type\":\"object\",\"properties\":{");
	for (k = 0; k < WW_KIND_COUNT; k++)
		ww_buf_printf(out,
			      "%s\"%s\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/%s\"}}",
			      k ? "," : "", ww_kind_plural((ww_kind)k), top_models[k]->name);
	ww_buf_puts(out, "},\"additionalProperties\":false}");
	for (i = 0; i < n; i++) {
		ww_buf_putc(out, ',');
		schema_model(out, seen[i]);
	}
	ww_buf_puts(out, "}}");
}
