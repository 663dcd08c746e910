/*
 * district.c - the demo district of 阳泉市矿区 as pure data.
 *
 * Geometry: a jittered, gently warped hexagonal lattice covers the district.
 * Every territorial unit is a set of lattice cells: the district is a blob of
 * cells, each street a connected, hole-free part of it, and so on down to the
 * grids. Boundaries are traced along cell edges, so neighbours share exactly
 * the same vertices and children tile their parent without gaps or overlaps.
 * On a hexagonal lattice three cells meet at every vertex, so a connected
 * hole-free set of cells always has one simple boundary ring.
 *
 * Texts: per category a few title, description and reply templates with
 * {TAG} placeholders filled from small word lists and from a per-case
 * context (building, unit, floor, road, place) so that the description and
 * the address agree.
 */
#include "district.h"

#include "lx.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* PRNG */

uint64_t lx_demo_rand(uint64_t *rng)
{
	uint64_t z = (*rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Returns a value in [0, n). */
static unsigned lx_demo_below(uint64_t *rng, unsigned n)
{
	return n ? (unsigned)(lx_demo_rand(rng) % n) : 0;
}

/* Returns a value in [0, 1). */
static double lx_demo_real(uint64_t *rng)
{
	return (double)(lx_demo_rand(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------ */
/* Territory */

#define LX_DEMO_SEED 0x6c69616e78696e31ULL /* the tree never depends on the caller */
#define LX_DEMO_STREETS 6
#define LX_DEMO_MAXCHILD 12

static const struct lx_demo_street_def {
	const char *name;
	const char *comm[LX_DEMO_MAXCHILD];
	const char *vill[LX_DEMO_MAXCHILD];
} lx_demo_streets[LX_DEMO_STREETS] = {
	{"沙坪", {"水滩", "段西沟", "沙坪", "北沙坪", "沙坪南", "石卜咀", "小南坑", "矿建"},
	 {"半坡"}},
	{"赛鱼", {"赛鱼东", "赛鱼西", "东四尺", "燕龛", "马家坪", "赛鱼新村", "红旗", "光明"},
	 {"大村", "李家庄"}},
	{"桥头", {"桥头", "北大街", "南大街", "新源", "德胜", "下站", "红岭", "振兴"},
	 {"南山"}},
	{"蔡洼", {"蔡东", "蔡西", "蔡洼", "上站", "北山", "四矿", "五矿"}, {"西河", "蔡家庄"}},
	{"平潭街", {"平潭街东", "平潭街西", "南台", "新华", "跃进", "龙泉", "三矿"},
	 {"东坡", "庙沟"}},
	{"贵石沟", {"贵石沟", "二矿", "东山", "西山", "桃林", "和平"},
	 {"北头嘴", "石坡", "杨家庄", "后沟"}},
};

static const char *const lx_demo_departments[] = {
	"住建局",   "城管局",   "消防救援大队", "供热公司", "自来水公司", "供电公司",
	"燃气公司", "生态环境局", "市场监管局", "交警大队", "民政局",     "人社局",
	"教育局",   "卫健局",   "交通运输局", "区政协",   "区人大常委会",
};

#define LX_DEMO_NDEPT (sizeof(lx_demo_departments) / sizeof(lx_demo_departments[0]))

/* ------------------------------------------------------------------ */
/* Lattice geometry */

#define LX_DEMO_COLS 64
#define LX_DEMO_ROWS 72
#define LX_DEMO_SIDE 0.075 /* hexagon side, km */
#define LX_DEMO_SQRT3 1.7320508075688772
#define LX_DEMO_LON0 113.580
#define LX_DEMO_LAT0 37.860
#define LX_DEMO_KM_LON 87.887 /* km per degree of longitude at 37.86 N */
#define LX_DEMO_KM_LAT 110.574
#define LX_DEMO_MAXK 16

typedef struct lx_demo_geo {
	int rows, cols, ncell, vcols, nvert;
	int64_t *vlon, *vlat; /* lattice vertices, micro-degrees */
	double *cx, *cy;      /* undistorted cell centres, km from the district centre */
	int *part, *next, *touched, *depth, *queue;
	double *noise;
} lx_demo_geo;

static void lx_demo_geo_free(lx_demo_geo *g)
{
	free(g->vlon);
	free(g->vlat);
	free(g->cx);
	free(g->cy);
	free(g->part);
	free(g->next);
	free(g->touched);
	free(g->depth);
	free(g->queue);
	free(g->noise);
}

/* Lattice x index (in half cell widths) of the centre of cell (r, c). */
static int lx_demo_cxi(int r, int c)
{
	return 2 * c + 1 + (r & 1);
}

/* Returns the vertex index of corner j (0..5, counter-clockwise from the
 * bottom) of a cell. */
static int lx_demo_vert(const lx_demo_geo *g, int cell, int j)
{
	static const int dk[6] = {0, 1, 2, 3, 2, 1};
	static const int dx[6] = {0, 1, 1, 0, -1, -1};
	int r = cell / g->cols, c = cell % g->cols;
	return (2 * r + dk[j]) * g->vcols + lx_demo_cxi(r, c) + dx[j];
}

/* Returns the cell across edge d (corner d to corner d+1) or -1. */
static int lx_demo_nb(const lx_demo_geo *g, int cell, int d)
{
	static const int dr[6] = {-1, 0, 1, 1, 0, -1};
	static const int dx[6] = {1, 2, 1, -1, -2, -1};
	int r = cell / g->cols, c = cell % g->cols;
	int r2 = r + dr[d], x2 = lx_demo_cxi(r, c) + dx[d];
	if (r2 < 0 || r2 >= g->rows)
		return -1;
	int t = x2 - 1 - (r2 & 1);
	if (t < 0)
		return -1;
	int c2 = t / 2;
	if (c2 >= g->cols)
		return -1;
	return r2 * g->cols + c2;
}

static void lx_demo_geo_init(lx_demo_geo *g, uint64_t *rng)
{
	const double s = LX_DEMO_SIDE, hw = LX_DEMO_SQRT3 * s / 2;
	g->rows = LX_DEMO_ROWS;
	g->cols = LX_DEMO_COLS;
	g->ncell = g->rows * g->cols;
	g->vcols = 2 * g->cols + 2;
	g->nvert = (2 * g->rows + 2) * g->vcols;
	g->vlon = lx_xcalloc((size_t)g->nvert, sizeof(*g->vlon));
	g->vlat = lx_xcalloc((size_t)g->nvert, sizeof(*g->vlat));
	g->cx = lx_xcalloc((size_t)g->ncell, sizeof(*g->cx));
	g->cy = lx_xcalloc((size_t)g->ncell, sizeof(*g->cy));
	g->part = lx_xcalloc((size_t)g->ncell, sizeof(*g->part));
	g->next = lx_xcalloc((size_t)g->nvert, sizeof(*g->next));
	g->touched = lx_xcalloc((size_t)g->ncell * 6, sizeof(*g->touched));
	g->depth = lx_xcalloc((size_t)g->ncell, sizeof(*g->depth));
	g->queue = lx_xcalloc((size_t)g->ncell, sizeof(*g->queue));
	g->noise = lx_xcalloc((size_t)g->ncell, sizeof(*g->noise));

	double x0 = (2 * g->cols + 1) * hw / 2, y0 = 1.5 * s * (g->rows - 1) / 2;
	/* a gentle smooth warp makes the lattice look less regular */
	double p1 = lx_demo_real(rng) * 6.283, p2 = lx_demo_real(rng) * 6.283;
	for (int k = 0; k < 2 * g->rows + 2; k++) {
		for (int xi = 0; xi < g->vcols; xi++) {
			double x = xi * hw - x0;
			double y = 1.5 * s * (k / 2) - s + (k & 1) * 0.5 * s - y0;
			double wx = 0.12 * sin(y / 0.9 + p1), wy = 0.10 * sin(x / 0.8 + p2);
			double jx = (lx_demo_real(rng) * 2 - 1) * 0.2 * s;
			double jy = (lx_demo_real(rng) * 2 - 1) * 0.2 * s;
			x += wx + jx;
			y += wy + jy;
			int v = k * g->vcols + xi;
			g->vlon[v] = llround((LX_DEMO_LON0 + x / LX_DEMO_KM_LON) * 1e6);
			g->vlat[v] = llround((LX_DEMO_LAT0 + y / LX_DEMO_KM_LAT) * 1e6);
		}
	}
	for (int i = 0; i < g->ncell; i++) {
		int r = i / g->cols, c = i % g->cols;
		g->cx[i] = lx_demo_cxi(r, c) * hw - x0;
		g->cy[i] = 1.5 * s * r - y0;
		g->part[i] = -2;
		g->depth[i] = -1;
	}
	for (int v = 0; v < g->nvert; v++)
		g->next[v] = -1;
}

static void lx_demo_put_micro(lx_buf *b, int64_t v)
{
	if (v < 0) {
		lx_buf_putc(b, '-');
		v = -v;
	}
	lx_buf_printf(b, "%lld.%06lld", (long long)(v / 1000000), (long long)(v % 1000000));
}

/* Traces the boundary of the region {cells[i] : lab[cell] == id}. Returns the
 * number of boundary cycles (1 for a connected hole-free region, 0 for an
 * empty one, 2 meaning "more than one"), or -1 for a lattice inconsistency.
 * When b is not NULL and the region has one cycle, appends the GeoJSON
 * Polygon (counter-clockwise, closed) to b. */
static int lx_demo_ring(lx_demo_geo *g, const int *cells, size_t n, const int *lab, int id,
			lx_buf *b)
{
	size_t ne = 0;
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		int c = cells[i];
		for (int d = 0; d < 6; d++) {
			int nb = lx_demo_nb(g, c, d);
			if (nb >= 0 && lab[nb] == id)
				continue;
			int a = lx_demo_vert(g, c, d), z = lx_demo_vert(g, c, (d + 1) % 6);
			if (g->next[a] >= 0) {
				bad = true;
				continue;
			}
			g->next[a] = z;
			g->touched[ne++] = a;
		}
	}
	int cycles = 0;
	if (!bad && ne > 0) {
		int start = g->touched[0], v = start;
		size_t steps = 0;
		do {
			v = g->next[v];
			steps++;
		} while (v != start && v >= 0 && steps <= ne);
		cycles = (v == start && steps == ne) ? 1 : 2;
		if (cycles == 1 && b) {
			lx_buf_puts(b, "{\"type\":\"Polygon\",\"coordinates\":[[");
			v = start;
			for (size_t k = 0; k <= ne; k++) {
				lx_buf_puts(b, k ? ",[" : "[");
				lx_demo_put_micro(b, g->vlon[v]);
				lx_buf_putc(b, ',');
				lx_demo_put_micro(b, g->vlat[v]);
				lx_buf_putc(b, ']');
				v = g->next[v];
			}
			lx_buf_puts(b, "]]}");
		}
	}
	for (size_t i = 0; i < ne; i++)
		g->next[g->touched[i]] = -1;
	return bad ? -1 : cycles;
}

/* Picks the cell farthest (in cell steps) from the region's boundary, ties
 * broken by closeness to the region's centroid, and stores the mean of its
 * corners, in degrees rounded to 6 decimals. */
static void lx_demo_centre(lx_demo_geo *g, const int *cells, size_t n, const int *lab, int id,
			   double *lat, double *lon)
{
	size_t head = 0, tail = 0;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		int c = cells[i];
		mx += g->cx[c];
		my += g->cy[c];
		for (int d = 0; d < 6; d++) {
			int nb = lx_demo_nb(g, c, d);
			if (nb < 0 || lab[nb] != id) {
				g->depth[c] = 0;
				g->queue[tail++] = c;
				break;
			}
		}
	}
	mx /= (double)(n ? n : 1);
	my /= (double)(n ? n : 1);
	while (head < tail) {
		int c = g->queue[head++];
		for (int d = 0; d < 6; d++) {
			int nb = lx_demo_nb(g, c, d);
			if (nb >= 0 && lab[nb] == id && g->depth[nb] < 0) {
				g->depth[nb] = g->depth[c] + 1;
				g->queue[tail++] = nb;
			}
		}
	}
	int best = cells[0];
	double bestd = 0;
	for (size_t i = 0; i < n; i++) {
		int c = cells[i];
		double dd = (g->cx[c] - mx) * (g->cx[c] - mx) + (g->cy[c] - my) * (g->cy[c] - my);
		if (i == 0 || g->depth[c] > g->depth[best] ||
		    (g->depth[c] == g->depth[best] && dd < bestd)) {
			best = c;
			bestd = dd;
		}
	}
	for (size_t i = 0; i < n; i++)
		g->depth[cells[i]] = -1;
	int64_t sx = 0, sy = 0;
	for (int j = 0; j < 6; j++) {
		int v = lx_demo_vert(g, best, j);
		sx += g->vlon[v];
		sy += g->vlat[v];
	}
	*lon = (double)((sx + 3) / 6) / 1e6;
	*lat = (double)((sy + 3) / 6) / 1e6;
}

static double lx_demo_dist2(const lx_demo_geo *g, int a, int b)
{
	double dx = g->cx[a] - g->cx[b], dy = g->cy[a] - g->cy[b];
	return dx * dx + dy * dy;
}

/* One attempt at splitting the region into k parts: Lloyd-relaxed seeds,
 * then balanced growth where the part furthest below its target takes the
 * frontier cell nearest to its seed (plus per-cell noise for ragged edges).
 * Leaves part indices in g->part and returns true when every part is big
 * enough, connected and hole-free. */
static bool lx_demo_split_once(lx_demo_geo *g, uint64_t *rng, const int *cells, size_t n, int k,
			       const double *t, int *order)
{
	int seed[LX_DEMO_MAXK];
	size_t size[LX_DEMO_MAXK];
	bool alive[LX_DEMO_MAXK];

	for (size_t i = 0; i < n; i++) {
		g->part[cells[i]] = -1;
		g->noise[cells[i]] = lx_demo_real(rng) * 0.9 * LX_DEMO_SIDE;
	}
	for (int j = 0; j < k; j++) {
		bool dup;
		do {
			seed[j] = cells[lx_demo_below(rng, (unsigned)n)];
			dup = false;
			for (int m = 0; m < j; m++)
				dup = dup || seed[m] == seed[j];
		} while (dup);
	}
	for (int it = 0; it < 6; it++) {
		double sx[LX_DEMO_MAXK] = {0}, sy[LX_DEMO_MAXK] = {0};
		size_t cnt[LX_DEMO_MAXK] = {0};
		for (size_t i = 0; i < n; i++) {
			int c = cells[i], bj = 0;
			for (int j = 1; j < k; j++)
				if (lx_demo_dist2(g, c, seed[j]) < lx_demo_dist2(g, c, seed[bj]))
					bj = j;
			sx[bj] += g->cx[c];
			sy[bj] += g->cy[c];
			cnt[bj]++;
		}
		for (int j = 0; j < k; j++) {
			/* snap to the free cell nearest the centroid (or to the old seed) */
			double mx = cnt[j] ? sx[j] / (double)cnt[j] : g->cx[seed[j]];
			double my = cnt[j] ? sy[j] / (double)cnt[j] : g->cy[seed[j]], bd = -1;
			int bc = seed[j];
			for (size_t i = 0; i < n; i++) {
				int c = cells[i];
				bool used = false;
				for (int m = 0; m < j; m++)
					used = used || seed[m] == c;
				if (used)
					continue;
				double d = (g->cx[c] - mx) * (g->cx[c] - mx) +
					   (g->cy[c] - my) * (g->cy[c] - my);
				if (bd < 0 || d < bd) {
					bd = d;
					bc = c;
				}
			}
			seed[j] = bc;
		}
	}
	for (int j = 0; j < k; j++) {
		g->part[seed[j]] = j;
		size[j] = 1;
		alive[j] = true;
	}
	size_t assigned = (size_t)k;
	while (assigned < n) {
		int j = -1;
		for (int m = 0; m < k; m++)
			if (alive[m] && (j < 0 || (double)size[m] / t[m] < (double)size[j] / t[j]))
				j = m;
		if (j < 0)
			return false;
		int bc = -1;
		double bs = 0;
		for (size_t i = 0; i < n; i++) {
			int c = cells[i];
			if (g->part[c] != -1)
				continue;
			bool front = false;
			for (int d = 0; d < 6 && !front; d++) {
				int nb = lx_demo_nb(g, c, d);
				front = nb >= 0 && g->part[nb] == j;
			}
			if (!front)
				continue;
			double sc = sqrt(lx_demo_dist2(g, c, seed[j])) + g->noise[c];
			if (bc < 0 || sc < bs) {
				bc = c;
				bs = sc;
			}
		}
		if (bc < 0) {
			alive[j] = false;
			continue;
		}
		g->part[bc] = j;
		size[j]++;
		assigned++;
	}
	/* group the cells by part to check each part's shape */
	size_t off[LX_DEMO_MAXK + 1] = {0};
	for (int j = 0; j < k; j++) {
		if ((double)size[j] < 0.5 * t[j])
			return false;
		off[j + 1] = off[j] + size[j];
	}
	size_t fill[LX_DEMO_MAXK];
	memcpy(fill, off, sizeof(fill));
	for (size_t i = 0; i < n; i++)
		order[fill[g->part[cells[i]]]++] = cells[i];
	for (int j = 0; j < k; j++)
		if (lx_demo_ring(g, order + off[j], size[j], g->part, j, NULL) != 1)
			return false;
	return true;
}

/* Splits the region cells[0..n) into k connected hole-free parts with areas
 * proportional to w, writing ids[j] into lab[] for the cells of part j.
 * Returns LX_OK, or LX_ERR when no attempt succeeded. */
static int lx_demo_split(lx_demo_geo *g, uint64_t *rng, const int *cells, size_t n, int k,
			 const double *w, const int *ids, int *lab)
{
	double t[LX_DEMO_MAXK], wsum = 0;
	int rc = LX_ERR;
	if (k < 1 || k > LX_DEMO_MAXK || n < (size_t)k)
		return LX_ERR;
	for (int j = 0; j < k; j++)
		wsum += w[j];
	for (int j = 0; j < k; j++)
		t[j] = (double)n * w[j] / wsum;
	int *order = lx_xmalloc(n * sizeof(*order));
	for (int attempt = 0; attempt < 500; attempt++) {
		if (lx_demo_split_once(g, rng, cells, n, k, t, order)) {
			for (size_t i = 0; i < n; i++)
				lab[cells[i]] = ids[g->part[cells[i]]];
			rc = LX_OK;
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		g->part[cells[i]] = -2;
	free(order);
	return rc;
}

/* Returns the malloc'd list of those of pcells[0..pn) that carry id in lab,
 * and its length in *n. */
static int *lx_demo_cells_of(const int *pcells, size_t pn, const int *lab, int id, size_t *n)
{
	int *out = lx_xmalloc((pn ? pn : 1) * sizeof(*out));
	*n = 0;
	for (size_t i = 0; i < pn; i++)
		if (lab[pcells[i]] == id)
			out[(*n)++] = pcells[i];
	return out;
}

/* Marks the district's cells in lab (0 inside, -1 outside): cells whose
 * centre lies in a wobbly ellipse, reduced to the component of the centre
 * and with holes filled. Returns the malloc'd cell list. */
static int *lx_demo_district_cells(lx_demo_geo *g, uint64_t *rng, int *lab, size_t *n)
{
	double amp[4] = {0.10, 0.06, 0.035, 0.02}, ph[4];
	for (int h = 0; h < 4; h++)
		ph[h] = lx_demo_real(rng) * 6.283;
	for (int i = 0; i < g->ncell; i++) {
		double x = g->cx[i] / 3.0, y = g->cy[i] / 3.1;
		double th = atan2(y, x), rr = 1;
		for (int h = 0; h < 4; h++)
			rr += amp[h] * sin((h + 2) * th + ph[h]);
		lab[i] = sqrt(x * x + y * y) < rr ? 1 : -1;
	}
	/* keep the component of the cell nearest the centre */
	int start = 0;
	for (int i = 1; i < g->ncell; i++)
		if (g->cx[i] * g->cx[i] + g->cy[i] * g->cy[i] <
		    g->cx[start] * g->cx[start] + g->cy[start] * g->cy[start])
			start = i;
	size_t head = 0, tail = 0;
	lab[start] = 0;
	g->queue[tail++] = start;
	while (head < tail) {
		int c = g->queue[head++];
		for (int d = 0; d < 6; d++) {
			int nb = lx_demo_nb(g, c, d);
			if (nb >= 0 && lab[nb] == 1) {
				lab[nb] = 0;
				g->queue[tail++] = nb;
			}
		}
	}
	/* flood the outside from cell 0 (a lattice corner, never inside) */
	for (int i = 0; i < g->ncell; i++)
		if (lab[i] == 1)
			lab[i] = -1;
	head = tail = 0;
	lab[0] = -3;
	g->queue[tail++] = 0;
	while (head < tail) {
		int c = g->queue[head++];
		for (int d = 0; d < 6; d++) {
			int nb = lx_demo_nb(g, c, d);
			if (nb >= 0 && lab[nb] == -1) {
				lab[nb] = -3;
				g->queue[tail++] = nb;
			}
		}
	}
	int *cells = lx_xmalloc((size_t)g->ncell * sizeof(*cells));
	*n = 0;
	for (int i = 0; i < g->ncell; i++) {
		lab[i] = lab[i] == -3 ? -1 : 0;
		if (lab[i] == 0)
			cells[(*n)++] = i;
	}
	return cells;
}

/* Fills unit u's boundary and centre from its cells. */
static int lx_demo_shape(lx_demo_geo *g, lx_demo_unit *u, const int *cells, size_t n,
			 const int *lab, int id)
{
	lx_buf b;
	lx_buf_init(&b);
	if (n == 0 || lx_demo_ring(g, cells, n, lab, id, &b) != 1) {
		lx_buf_free(&b);
		return LX_ERR;
	}
	u->boundary = lx_buf_steal(&b);
	lx_demo_centre(g, cells, n, lab, id, &u->clat, &u->clon);
	return LX_OK;
}

void lx_demo_units_free(lx_demo_unit *u, size_t n)
{
	if (!u)
		return;
	for (size_t i = 0; i < n; i++) {
		free(u[i].code);
		free(u[i].name);
		free(u[i].boundary);
	}
	free(u);
}

static size_t lx_demo_add(lx_demo_unit *u, size_t *n, int parent, const char *kind, char *code,
			  char *name)
{
	size_t i = (*n)++;
	u[i].parent = parent;
	u[i].kind = kind;
	u[i].code = code;
	u[i].name = name;
	u[i].boundary = NULL;
	u[i].clat = u[i].clon = 0;
	return i;
}

int lx_demo_units(lx_demo_unit **out, size_t *n)
{
	uint64_t rng = LX_DEMO_SEED;
	int ngrid[LX_DEMO_STREETS][2 * LX_DEMO_MAXCHILD];
	int nchild[LX_DEMO_STREETS], nvill[LX_DEMO_STREETS];
	size_t total = 1 + LX_DEMO_NDEPT;

	*out = NULL;
	*n = 0;
	for (int s = 0; s < LX_DEMO_STREETS; s++) {
		const struct lx_demo_street_def *sd = &lx_demo_streets[s];
		int nc = 0, nv = 0;
		while (nc < LX_DEMO_MAXCHILD && sd->comm[nc])
			nc++;
		while (nv < LX_DEMO_MAXCHILD && sd->vill[nv])
			nv++;
		nchild[s] = nc + nv;
		nvill[s] = nv;
		total += 1 + (size_t)(nc + nv);
		for (int j = 0; j < nc + nv; j++) {
			ngrid[s][j] = 3 + (int)lx_demo_below(&rng, 3);
			total += (size_t)ngrid[s][j];
		}
	}

	/* the tree, in parent-before-child order */
	lx_demo_unit *u = lx_xcalloc(total, sizeof(*u));
	size_t nu = 0;
	int street_idx[LX_DEMO_STREETS], child_idx[LX_DEMO_STREETS][2 * LX_DEMO_MAXCHILD];
	lx_demo_add(u, &nu, -1, "district", lx_xstrdup("140303"), lx_xstrdup("矿区"));
	for (int s = 0; s < LX_DEMO_STREETS; s++) {
		const struct lx_demo_street_def *sd = &lx_demo_streets[s];
		int nc = nchild[s] - nvill[s];
		street_idx[s] = (int)lx_demo_add(u, &nu, 0, "street",
						 lx_xasprintf("140303%03d", s + 1),
						 lx_xasprintf("%s街道", sd->name));
		for (int j = 0; j < nchild[s]; j++) {
			bool vill = j >= nc;
			const char *scode = u[street_idx[s]].code;
			char *code = vill ? lx_xasprintf("%s%03d", scode, 201 + (j - nc))
					  : lx_xasprintf("%s%03d", scode, j + 1);
			char *name = vill ? lx_xasprintf("%s村", sd->vill[j - nc])
					  : lx_xasprintf("%s社区", sd->comm[j]);
			int ci = (int)lx_demo_add(u, &nu, street_idx[s], vill ? "village" : "community",
						  code, name);
			child_idx[s][j] = ci;
			for (int k = 0; k < ngrid[s][j]; k++)
				lx_demo_add(u, &nu, ci, "grid",
					    lx_xasprintf("%s%03d", u[ci].code, k + 1),
					    lx_xasprintf("%s第%d网格", u[ci].name, k + 1));
		}
	}
	for (size_t d = 0; d < LX_DEMO_NDEPT; d++)
		lx_demo_add(u, &nu, 0, "department", lx_xasprintf("140303D%02zu", d + 1),
			    lx_xstrdup(lx_demo_departments[d]));

	/* the tiling */
	lx_demo_geo g;
	lx_demo_geo_init(&g, &rng);
	size_t nc = (size_t)g.ncell;
	int *lab_d = lx_xmalloc(nc * sizeof(int)), *lab_s = lx_xmalloc(nc * sizeof(int));
	int *lab_c = lx_xmalloc(nc * sizeof(int)), *lab_g = lx_xmalloc(nc * sizeof(int));
	for (size_t i = 0; i < nc; i++)
		lab_s[i] = lab_c[i] = lab_g[i] = -1;
	size_t dn;
	int *dcells = lx_demo_district_cells(&g, &rng, lab_d, &dn);
	int rc = lx_demo_shape(&g, &u[0], dcells, dn, lab_d, 0);

	double w[LX_DEMO_MAXK];
	for (int s = 0; s < LX_DEMO_STREETS; s++) {
		w[s] = 0;
		for (int j = 0; j < nchild[s]; j++)
			w[s] += ngrid[s][j] * (j >= nchild[s] - nvill[s] ? 2.2 : 1.0);
	}
	if (rc == LX_OK)
		rc = lx_demo_split(&g, &rng, dcells, dn, LX_DEMO_STREETS, w, street_idx, lab_s);
	for (int s = 0; s < LX_DEMO_STREETS && rc == LX_OK; s++) {
		size_t sn;
		int *scells = lx_demo_cells_of(dcells, dn, lab_s, street_idx[s], &sn);
		rc = lx_demo_shape(&g, &u[street_idx[s]], scells, sn, lab_s, street_idx[s]);
		for (int j = 0; j < nchild[s]; j++)
			w[j] = ngrid[s][j] * (j >= nchild[s] - nvill[s] ? 2.2 : 1.0);
		if (rc == LX_OK)
			rc = lx_demo_split(&g, &rng, scells, sn, nchild[s], w, child_idx[s], lab_c);
		for (int j = 0; j < nchild[s] && rc == LX_OK; j++) {
			int ci = child_idx[s][j];
			size_t cn;
			int *ccells = lx_demo_cells_of(scells, sn, lab_c, ci, &cn);
			int gids[LX_DEMO_MAXK];
			rc = lx_demo_shape(&g, &u[ci], ccells, cn, lab_c, ci);
			for (int k = 0; k < ngrid[s][j]; k++) {
				gids[k] = ci + 1 + k;
				w[k] = 0.8 + 0.4 * lx_demo_real(&rng);
			}
			if (rc == LX_OK)
				rc = lx_demo_split(&g, &rng, ccells, cn, ngrid[s][j], w, gids, lab_g);
			for (int k = 0; k < ngrid[s][j] && rc == LX_OK; k++) {
				size_t gn;
				int *gcells = lx_demo_cells_of(ccells, cn, lab_g, gids[k], &gn);
				rc = lx_demo_shape(&g, &u[gids[k]], gcells, gn, lab_g, gids[k]);
				free(gcells);
			}
			free(ccells);
		}
		free(scells);
	}
	free(dcells);
	free(lab_d);
	free(lab_s);
	free(lab_c);
	free(lab_g);
	lx_demo_geo_free(&g);
	if (rc != LX_OK) {
		lx_demo_units_free(u, nu);
		return LX_ERR;
	}
	*out = u;
	*n = nu;
	return LX_OK;
}

/* ------------------------------------------------------------------ */
/* Random points */

/* Parses a decimal number (no exponent) at *p into micro-degrees, rounding
 * extra digits; advances *p. Returns false when no number is there. */
static bool lx_demo_parse_micro(const char **p, int64_t *out)
{
	const char *s = *p;
	bool neg = false;
	int64_t ip = 0, fp = 0;
	int fd = 0;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		ip = ip * 10 + (*s++ - '0');
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (fd < 6) {
				fp = fp * 10 + (*s - '0');
				fd++;
			} else if (fd == 6) {
				fp += *s >= '5';
				fd++;
			}
			s++;
		}
	}
	for (int i = fd; i < 6; i++)
		fp *= 10;
	*out = (neg ? -1 : 1) * (ip * 1000000 + fp);
	*p = s;
	return true;
}

/* Reads the outer ring of a Polygon GeoJSON text into malloc'd arrays of
 * micro-degrees. Returns the number of points (0 on failure). */
static size_t lx_demo_parse_ring(const char *text, int64_t **xs, int64_t **ys)
{
	*xs = *ys = NULL;
	if (!text)
		return 0;
	const char *p = strstr(text, "\"coordinates\"");
	if (!p)
		return 0;
	p = strstr(p, "[[[");
	if (!p)
		return 0;
	p += 2;
	size_t n = 0, cap = 0;
	while (*p == '[') {
		int64_t x, y;
		p++;
		while (*p == ' ')
			p++;
		if (!lx_demo_parse_micro(&p, &x))
			break;
		while (*p == ' ' || *p == ',')
			p++;
		if (!lx_demo_parse_micro(&p, &y))
			break;
		while (*p && *p != ']')
			p++;
		if (*p == ']')
			p++;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*xs = lx_xrealloc(*xs, cap * sizeof(**xs));
			*ys = lx_xrealloc(*ys, cap * sizeof(**ys));
		}
		(*xs)[n] = x;
		(*ys)[n] = y;
		n++;
		while (*p == ' ' || *p == ',')
			p++;
	}
	if (n < 4) {
		free(*xs);
		free(*ys);
		*xs = *ys = NULL;
		n = 0;
	}
	return n;
}

/* Returns true when (px, py) is inside the closed ring and farther than
 * margin from every edge (exact integer crossing test). */
static bool lx_demo_inside(const int64_t *xs, const int64_t *ys, size_t n, int64_t px,
			   int64_t py, double margin)
{
	bool in = false;
	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		int64_t ax = xs[j], ay = ys[j], bx = xs[i], by = ys[i];
		if ((ay > py) != (by > py)) {
			int64_t d = by - ay;
			int64_t t = (px - ax) * d - (py - ay) * (bx - ax);
			if (d > 0 ? t < 0 : t > 0)
				in = !in;
		}
	}
	if (!in)
		return false;
	for (size_t i = 1; i < n; i++) {
		double ax = (double)xs[i - 1], ay = (double)ys[i - 1];
		double ex = (double)xs[i] - ax, ey = (double)ys[i] - ay;
		double qx = (double)px - ax, qy = (double)py - ay;
		double l2 = ex * ex + ey * ey, f = l2 > 0 ? (qx * ex + qy * ey) / l2 : 0;
		f = f < 0 ? 0 : f > 1 ? 1 : f;
		double dx = qx - f * ex, dy = qy - f * ey;
		if (dx * dx + dy * dy <= margin * margin)
			return false;
	}
	return true;
}

void lx_demo_point_in(const lx_demo_unit *u, size_t i, uint64_t *rng, double *lat, double *lon)
{
	int64_t *xs, *ys;
	size_t n = lx_demo_parse_ring(u[i].boundary, &xs, &ys);
	*lat = u[i].clat;
	*lon = u[i].clon;
	if (!n)
		return;
	int64_t x0 = xs[0], x1 = xs[0], y0 = ys[0], y1 = ys[0];
	for (size_t k = 1; k < n; k++) {
		x0 = xs[k] < x0 ? xs[k] : x0;
		x1 = xs[k] > x1 ? xs[k] : x1;
		y0 = ys[k] < y0 ? ys[k] : y0;
		y1 = ys[k] > y1 ? ys[k] : y1;
	}
	for (int tries = 0; tries < 100000 && x1 > x0 && y1 > y0; tries++) {
		int64_t px = x0 + (int64_t)(lx_demo_rand(rng) % (uint64_t)(x1 - x0));
		int64_t py = y0 + (int64_t)(lx_demo_rand(rng) % (uint64_t)(y1 - y0));
		if (lx_demo_inside(xs, ys, n, px, py, 3.0)) {
			*lon = (double)px / 1e6;
			*lat = (double)py / 1e6;
			break;
		}
	}
	free(xs);
	free(ys);
}

/* ------------------------------------------------------------------ */
/* Texts */

#define LX_DEMO_OPTS 16

/* Word lists for the {TAG}s that are drawn afresh at every use. */
static const struct lx_demo_words {
	const char *tag;
	const char *opt[LX_DEMO_OPTS];
} lx_demo_words[] = {
	{"WHO", {"市民来电反映", "来电人反映", "市民反映", "居民来电称", "来电人称", "市民来电称"}},
	{"ASK",
	 {"希望尽快处理。", "请相关部门尽快派人查看。", "希望有关部门尽快解决。",
	  "请尽快处理并回复。", "希望尽快给予解决。", "请尽快协调处理。",
	  "希望能尽快解决，谢谢。", "希望相关部门重视，尽快处理。"}},
	{"DUR",
	 {"两天", "三天", "四五天", "一个星期", "一个多星期", "半个多月", "快一个月",
	  "好几天"}},
	{"SINCE",
	 {"从前天开始", "从上周开始", "从本月初开始", "这几天", "最近一个星期",
	  "从昨天晚上开始", "从上个月底开始"}},
	{"OLD",
	 {"家里有八十多岁的老人", "家中老人七十多岁，身体不好", "家里住着一位独居老人",
	  "家中有常年卧床的老人", "老伴身体不好", "楼里住的大多是老年人"}},
	{"KID",
	 {"家里有刚满月的孩子", "家中有两岁多的孩子", "孩子这几天已经感冒了",
	  "家里孩子正上小学", "家里孩子正准备中考"}},
	{"TIMES", {"两三次", "好几次", "多次", "三四次", "不下五次"}},
	{"NIGHT",
	 {"晚上十点以后", "每天夜里十一二点", "凌晨一两点", "中午午休时", "早上五六点"}},
	{"TEMP", {"十四五度", "十二三度", "不到十六度", "只有十五度左右", "十三度左右"}},
	{"PROP", {"物业", "物业公司", "小区物业"}},
	{"AGE", {"七十多岁", "八十多岁", "八十五岁", "九十岁", "七十八岁", "八十二岁"}},
	{"T", {"18℃", "19℃", "20℃", "21℃", "22℃"}},
	{"WHEN", {"当天", "次日上午", "当天下午", "接报后24小时内", "当晚"}},
	{"D", {"7日", "10日", "15日", "一个月"}},
};

static const char *const lx_demo_roads[] = {
	"沙坪路", "赛鱼路", "桥头街", "蔡洼路", "贵石沟路", "北大街", "南大街",
	"矿建路", "新源路", "平潭街", "南山路", "东四尺路", "段西沟路", "滨河路",
};
static const char *const lx_demo_places[] = {
	"大门口", "菜市场旁边", "幼儿园门口", "篮球场附近", "超市门口",
	"公交站旁", "卫生服务站旁", "后门", "老年活动中心门前", "中心广场",
};
static const char *const lx_demo_estates[] = {
	"矿务局家属院", "和平小区", "南庄小区", "新华小区", "东城花园",
	"幸福里小区", "朝阳小区", "矿工新村",
};

#define LX_DEMO_N(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

/* One category. Each case template is "title|description": the title may
 * use {C}, {LOC} (where the description is located, left out now and then)
 * and the tags its description uses; the description any tag. */
typedef struct lx_demo_cat {
	const char *code;
	const char *cases[8];
	const char *reply[6];
} lx_demo_cat;

static const lx_demo_cat lx_demo_cats[] = {
	{"0101",
	 {"{C}{LOC}暖气不热|{WHO}，{C}{B}{U}{F}家中暖气不热，室温只有{TEMP}，{OLD}，{ASK}",
	  "{C}{LOC}暖气一直不热|{WHO}，其家住{C}{B}{F}，{SINCE}暖气就一直不热，摸上去是凉的，已经找过{PROP}{TIMES}，一直没人来看。{ASK}",
	  "{C}{LOC}整栋楼暖气不热|{WHO}，{C}{B}整栋楼暖气都不热，楼上楼下邻居都反映这个情况，已持续{DUR}。{KID}，{ASK}",
	  "{C}{LOC}暖气上热下凉|{WHO}，{C}{B}{U}{F}暖气上半截热、下半截凉，怀疑管道里有空气，自己放气也没用，屋里冷得只能穿棉袄。{ASK}",
	  "{C}{LOC}顶楼暖气温度低|{WHO}，家住{C}{B}{U}顶楼，暖气片一直是温的，室内温度不到16度，{OLD}，晚上冷得睡不着。{ASK}",
	  "{C}交费后暖气仍不热|{WHO}，{C}{B}{U}已经交了今年的取暖费，但到现在暖气还没热，供热公司电话一直打不通。{ASK}",
	  "{C}{LOC}突然停暖|{WHO}，{C}{B}{SINCE}突然停暖，暖气管道冰凉，也没有看到停暖通知，{OLD}。{ASK}"},
	 {"已联系供热公司维修人员上门排查，更换损坏阀门后室温恢复至{T}。",
	  "经供热公司检查，系管道内存气导致循环不畅，已排气处理，回访时居民反映暖气已热。",
	  "供热公司已对该楼单元主管道进行清洗疏通，目前室温达到{T}，符合供热标准。",
	  "经核实为二次管网阀门故障，供热公司已于{WHEN}完成抢修，恢复正常供暖。",
	  "已督促供热公司提高供水温度并对末端用户加装循环泵，经回访室温稳定在{T}左右。"}},
	{"0102",
	 {"{C}{LOC}停水未通知|{WHO}，{C}{B}{SINCE}就停水了，没有接到任何停水通知，家里做饭、上厕所都成了问题。{ASK}",
	  "{C}{LOC}水压低|{WHO}，{C}{B}{U}{F}水压太低，白天水龙头只有细细一股水，热水器都打不着火，已经{DUR}了。{ASK}",
	  "{C}{LOC}自来水发黄|{WHO}，{C}{B}自来水打开后发黄、有铁锈味，放了好长时间还是浑的，不敢给孩子喝。{ASK}",
	  "{C}{LOC}自来水管道漏水|{WHO}，{C}{B}附近地下自来水管道漏水，路面一直往外冒水，{DUR}了也没人修，浪费很严重。{ASK}",
	  "{C}{LOC}高峰时段无水|{WHO}，{C}{B}{U}高层住户晚上七八点用水高峰时基本没水，{OLD}，每天只能拎桶下楼接水。{ASK}",
	  "{C}反复停水|{WHO}，{C}{SINCE}反复停水，一天停好几次，也不知道什么时候来水，{OLD}。{ASK}"},
	 {"经自来水公司排查，系附近主管道爆管导致停水，已连夜抢修，于{WHEN}恢复供水。",
	  "已协调自来水公司对该楼加压泵进行检修，目前高峰时段水压恢复正常。",
	  "自来水公司已对该片区管网进行冲洗并取样检测，水质指标合格，已向居民说明情况。",
	  "已联系自来水公司维修人员更换破损管道，漏水问题已解决，路面已恢复。"}},
	{"0103",
	 {"{C}{LOC}停电|{WHO}，{C}{B}{U}{SINCE}停电，整个单元都没电，冰箱里的东西都坏了，问{PROP}也说不清什么原因。{ASK}",
	  "{C}{LOC}电线杆倾斜电线低垂|{WHO}，{C}{B}旁边的电线杆歪了，电线垂得很低，小孩放学经常从下面走，存在安全隐患。{ASK}",
	  "{C}{LOC}电表箱线路隐患|{WHO}，{C}{B}楼道里的电表箱门坏了，里面电线裸露，还有烧焦的味道，{OLD}，很担心出事。{ASK}",
	  "{C}{LOC}频繁跳闸停电|{WHO}，{C}{B}这{DUR}经常停电，一天跳闸好几次，家里电器都不敢用，{KID}。{ASK}",
	  "{C}{LOC}电缆掉落|{WHO}，{C}{PL}有一根电缆掉在地上，下雨天很危险，已经好几天了没人处理，怕有人触电。{ASK}",
	  "{C}{LOC}电压不稳|{WHO}，{C}{B}{U}{F}家里电压不稳，晚上灯一闪一闪的，空调和热水器都带不动，已持续{DUR}。{ASK}"},
	 {"供电公司抢修人员已到场处理，系单元总开关老化烧损，更换后于{WHEN}恢复供电。",
	  "已协调供电公司对倾斜电杆进行扶正加固，并重新架设低垂线路，隐患已消除。",
	  "经供电公司排查，该片区变压器负荷过大，已完成增容改造，电压恢复稳定。",
	  "已联系物业和供电公司更换楼道电表箱，裸露线路已全部规范整理。",
	  "供电公司已将掉落电缆重新架设固定，并对周边线路进行了巡检。"}},
	{"0104",
	 {"{C}{LOC}疑似燃气泄漏|{WHO}，{C}{B}{U}楼道里有很浓的燃气味，{SINCE}就闻到了，担心燃气泄漏，已经开窗通风，请尽快派人来检查。",
	  "{C}{LOC}燃气管道锈蚀|{WHO}，{C}{B}外墙上的燃气管道锈蚀严重，有的地方已经起皮掉渣，{OLD}，很担心出危险。{ASK}",
	  "{C}{LOC}燃气表故障|{WHO}，{C}{B}{U}{F}家中燃气表不走字，充了燃气费也用不了，做不了饭，已经{DUR}了。{ASK}",
	  "{C}{LOC}燃气软管老化|{WHO}，{C}{B}{U}{F}家里燃气灶旁边的软管老化开裂，一开火就有燃气味，{OLD}，不敢再用了。{ASK}",
	  "{C}{LOC}燃气管道被挖破|{WHO}，{C}{PL}施工时把燃气管道挖破了，现场燃气味很大，附近住户很多，情况紧急，请燃气公司马上处理。",
	  "{C}{LOC}燃气阀门待更换|{WHO}，{C}{B}燃气入户检查时说阀门需要更换，到现在{DUR}了还没人来换，家里燃气一直关着。{ASK}"},
	 {"燃气公司抢修人员接报后30分钟内到场，检测确认立管接口轻微泄漏，已关阀并更换接口，复检无泄漏。",
	  "已联系燃气公司对锈蚀管道除锈刷漆，严重锈蚀管段已于{WHEN}更换完毕。",
	  "燃气公司已上门更换故障燃气表，居民已恢复正常用气。",
	  "燃气公司安检人员已入户检查，为居民免费更换了老化软管，并讲解了安全用气常识。",
	  "燃气公司已关闭区段阀门并完成管道抢修，现场检测无泄漏后恢复供气。"}},
	{"0201",
	 {"{C}{LOC}路灯不亮|{WHO}，{C}{PL}的路灯{SINCE}就不亮了，晚上一片漆黑，老人孩子出门很不方便。{ASK}",
	  "{C}{LOC}路灯损坏|{WHO}，{RD}{NO}号附近有一排路灯已经坏了{DUR}，晚上下班回家路上黑漆漆的，有人在那里摔倒过。{ASK}",
	  "{C}{LOC}路灯不亮|{WHO}，{C}{B}和{B2}之间的路灯灯罩掉了，灯也不亮，晚上走路只能打手电，{OLD}。{ASK}",
	  "{C}{LOC}路灯时亮时不亮|{WHO}，{RD}与{RD2}交叉口附近的路灯时亮时不亮，晚上车多人多，存在安全隐患。{ASK}",
	  "{C}{LOC}路灯白天亮晚上不亮|{WHO}，{C}{PL}路灯白天一直亮着，晚上反而不亮，已经反映过{TIMES}，一直没有修好。{ASK}",
	  "{C}后坡路灯损坏|{WHO}，{C}后坡上的几盏路灯都坏了，那条路是居民去菜市场的必经之路，冬天天黑得早，很不安全。{ASK}"},
	 {"已通知城管局路灯维护人员更换损坏灯具，经夜间巡查路灯已恢复正常照明。",
	  "经查系线路老化短路导致路灯不亮，维修人员已更换电缆，{WHEN}恢复亮灯。",
	  "经查系路灯控制器时间设置错误，已重新调试，目前路灯按时开关。",
	  "已对该路段损坏路灯进行维修，并将老旧路灯纳入今年节能改造计划。"}},
	{"0202",
	 {"{C}{LOC}井盖缺失|{WHO}，{C}{PL}有一个井盖不见了，只剩下一个黑洞，晚上根本看不清，非常危险，请尽快派人处理。",
	  "{C}{LOC}井盖破损|{WHO}，{RD}{NO}号门前人行道上的井盖破了一个大口子，已经有人崴了脚，{KID}，天天从那里走。{ASK}",
	  "{C}{LOC}井盖松动|{WHO}，{C}{B}楼下的井盖松动了，车一压就哐哐响，晚上吵得睡不着，还怕有人掉下去。{ASK}",
	  "{C}{LOC}井盖塌陷|{WHO}，{RD}与{RD2}交叉口的雨水井盖塌陷下去了，过往车辆很容易出事，目前只有一根树枝插着提醒。{ASK}",
	  "{C}{LOC}井盖被盗|{WHO}，{C}{PL}的井盖被人撬走了，有居民临时用纸箱盖着，老人孩子经过很危险。{ASK}"},
	 {"城管局已于接报后两小时内设置围挡警示，并补装新井盖，隐患已消除。",
	  "经核实为通信井盖，已联系产权单位更换破损井盖，现场已恢复正常。",
	  "已对松动井盖进行加固并加装防响胶垫，车辆通过不再有异响。",
	  "已补装防盗井盖并对周边井盖进行排查，同时报公安机关调查井盖被盗情况。"}},
	{"0203",
	 {"{C}{LOC}路面坑洼|{WHO}，{RD}{NO}号附近路面坑坑洼洼，一下雨全是积水，电动车经过经常打滑。{ASK}",
	  "{C}{LOC}小区道路破损|{WHO}，{C}{B}门前的小区道路破损严重，已经{DUR}了没人修，{OLD}，推着轮椅根本过不去。{ASK}",
	  "{C}{LOC}路面塌陷|{WHO}，{C}{PL}路面塌陷出一个大坑，周围只放了两个锥桶，晚上很容易出事。{ASK}",
	  "{C}{LOC}路面未恢复|{WHO}，{RD}上次挖开铺管道后就没有恢复路面，到现在坑坑洼洼，车辆通行很困难。{ASK}",
	  "{C}{LOC}坡路路面开裂|{WHO}，{C}通往{RD}的那段坡路路面开裂，冬天一结冰特别滑，已经有好几个老人摔倒了。{ASK}"},
	 {"住建局已安排施工队对破损路面进行修补，{WHEN}完工，现已恢复通行。",
	  "塌陷路段已设置围挡，经勘查系地下管道渗漏所致，管道修复后已重新铺设路面。",
	  "已督促管道施工单位限期恢复路面，目前路面已修复平整。",
	  "该路段已纳入今年道路维修计划，已先行对坑槽进行应急修补，并在坡道铺设防滑层。"}},
	{"0204",
	 {"{C}{LOC}下水道堵塞|{WHO}，{C}{B}{U}下水道堵了，污水从一楼地漏往上返，屋里臭气熏天，已经{DUR}了。{ASK}",
	  "{C}{LOC}污水井堵塞外溢|{WHO}，{C}{PL}的污水井堵塞，脏水漫到路面上，味道很大，居民进出都得绕着走。{ASK}",
	  "{C}{LOC}雨水管网堵塞积水|{WHO}，{C}一下雨{B}楼前就积水，雨水管网堵塞排不出去，水都快漫进一楼了。{ASK}",
	  "{C}{LOC}化粪池堵塞|{WHO}，{C}{B}化粪池堵了往外冒，找{PROP}{TIMES}，只说没钱清掏，{OLD}。{ASK}",
	  "{C}{LOC}排水管道堵塞|{WHO}，{RD}{NO}号附近的排水管道堵塞，路边一直有污水流淌，天热以后蚊蝇特别多。{ASK}"},
	 {"街道已联系专业疏通队伍对下水管道进行疏通，污水外溢问题已解决。",
	  "已安排吸污车对污水井和化粪池进行清掏，并对周边地面进行冲洗消毒。",
	  "街道会同社区对雨水管网进行疏通清淤，已解决楼前积水问题。",
	  "经排查为管道破损堵塞，已更换破损管段，排水恢复通畅。"}},
	{"0301",
	 {"{C}{LOC}垃圾清运不及时|{WHO}，{C}{PL}的垃圾已经{DUR}没人清运了，堆得像小山一样，天一热臭味很大。{ASK}",
	  "{C}{LOC}垃圾桶满溢|{WHO}，{C}{B}楼下的垃圾桶每天都满得往外溢，清运车隔好几天才来一次，野猫野狗到处翻。{ASK}",
	  "{C}{LOC}装修垃圾堆积|{WHO}，{C}{PL}有人倾倒装修垃圾，越堆越多，占了半条路，{PROP}也不管。{ASK}",
	  "{C}{LOC}垃圾中转点无人清理|{WHO}，{RD}{NO}号附近的垃圾中转点一直没人清理，污水流了一地，附近居民开不了窗。{ASK}",
	  "{C}垃圾长时间未清运|{WHO}，{C}{SINCE}就没见垃圾车来过，{B}门口垃圾袋堆了一地，{KID}，担心影响健康。{ASK}"},
	 {"街道已协调环卫部门将积存垃圾全部清运，并将该点位清运频次调整为每日两次。",
	  "已清理装修垃圾，并在小区内设置装修垃圾临时堆放点，要求物业定期清运。",
	  "已督促环卫公司按时清运，增设两个垃圾桶，社区网格员每日巡查。",
	  "垃圾中转点已清理冲洗，街道已将其纳入日常巡查，确保日产日清。"}},
	{"0302",
	 {"{C}{LOC}楼道卫生差|{WHO}，{C}{B}{U}楼道里很久没人打扫，墙上贴满小广告，地上全是烟头和纸屑，卫生状况很差。{ASK}",
	  "{C}{LOC}楼道堆放杂物|{WHO}，{C}{B}楼道里有住户堆放旧家具和纸箱，既影响卫生又挡路，{OLD}，上下楼很不方便。{ASK}",
	  "{C}{LOC}私自养鸡影响卫生|{WHO}，{C}{PL}有人私自养鸡，粪便满地，夏天苍蝇特别多，小区环境卫生越来越差。{ASK}",
	  "{C}{LOC}绿化带垃圾成堆|{WHO}，{C}{B}楼下绿化带里堆满了生活垃圾和建筑垃圾，{PROP}收了卫生费却不打扫。{ASK}",
	  "{C}{LOC}楼道卫生无人管|{WHO}，{C}{B}{U}楼道里有狗的粪便没人清理，{DUR}了，味道很难闻，卫生没人管。{ASK}"},
	 {"社区已组织志愿者和物业对楼道进行集中清扫，清理了小广告和杂物。",
	  "已上门劝导住户清理楼道堆放物品，对拒不清理的由物业依规清理。",
	  "网格员已入户做工作，住户已停止散养家禽，并对周边环境进行了清理消毒。",
	  "已督促物业履行保洁责任，增加保洁人员，社区将定期检查小区卫生。"}},
	{"0303",
	 {"{C}{LOC}广场舞噪音扰民|{WHO}，{C}{PL}每天{NIGHT}有人跳广场舞，音响开得特别大，噪音吵得人睡不着，{OLD}。{ASK}",
	  "{C}附近工地夜间施工噪音|{WHO}，{C}附近工地{NIGHT}还在施工，机器轰隆隆的噪音很大，{KID}，根本没法休息。{ASK}",
	  "{C}{LOC}商铺喇叭噪音扰民|{WHO}，{RD}{NO}号的一家商铺门口整天用大喇叭循环播放促销广告，噪音严重扰民。{ASK}",
	  "{C}{LOC}楼上噪音扰民|{WHO}，{C}{B}{U}楼上住户{NIGHT}经常拖动家具、蹦跳，噪音很大，上门沟通{TIMES}都没用。{ASK}",
	  "{C}{LOC}烧烤店噪音扰民|{WHO}，{C}{B}楼下的烧烤店营业到凌晨，客人喝酒划拳，噪音扰民，已经持续{DUR}了。{ASK}"},
	 {"社区已与广场舞队伍负责人沟通，约定晚上九点前结束并调低音量。",
	  "经核查该工地夜间施工未办理许可，已责令停止夜间施工。",
	  "已约谈相关商铺负责人，要求停止使用高音喇叭，现已整改。",
	  "网格员已上门协调，楼上住户承诺注意夜间噪音，并在家具脚上加装了防噪垫。",
	  "已联合执法人员约谈烧烤店经营者，要求晚上十点后停止室外经营。"}},
	{"0304",
	 {"{C}{LOC}饭店油烟扰民|{WHO}，{C}{B}底商的饭店没有安装油烟净化设备，油烟直接往楼上飘，家里窗户都不敢开。{ASK}",
	  "{C}附近工地扬尘|{WHO}，{C}附近的工地土方没有苫盖，刮风时扬尘很大，车上、阳台上落满了灰。{ASK}",
	  "{C}夜间异味扰民|{WHO}，{C}{SINCE}每天晚上都能闻到一股刺鼻的异味，像是烧塑料的味道，{KID}，担心对身体有害。{ASK}",
	  "{C}{LOC}汽修店喷漆异味|{WHO}，{RD}{NO}号附近有一家汽修店露天喷漆，油漆异味很大，周围居民意见很大。{ASK}",
	  "{C}{LOC}煤堆扬尘|{WHO}，{C}{PL}的煤堆没有覆盖，运煤车进出扬尘严重，{OLD}，一到刮风天就咳嗽。{ASK}"},
	 {"生态环境局已现场检查，责令饭店限期安装油烟净化设施，{WHEN}已完成安装并正常使用。",
	  "已责令工地对裸露土方进行苫盖，并落实洒水降尘措施。",
	  "经执法人员夜间蹲守，查获一处露天焚烧点，已依法处罚并责令停止。",
	  "已督促企业对煤堆进行全封闭覆盖，运煤车辆出场前冲洗，扬尘问题明显改善。",
	  "已责令汽修店停止露天喷漆，限期建设密闭喷漆房并安装废气处理设施。"}},
	{"0401",
	 {"{C}物业服务不到位|{WHO}，{C}物业服务差，{B}单元门坏了{DUR}也不修，楼道灯也不亮，找物业只会推脱。{ASK}",
	  "{C}物业费上调未公示|{WHO}，{C}物业今年突然上调物业费，事先没有征求业主意见，也没有公示收费标准。{ASK}",
	  "{C}{LOC}物业占用绿地|{WHO}，{C}{B}前面的绿地被物业改成了收费停车位，居民活动的地方都没有了。{ASK}",
	  "{C}物业撤离无人管理|{WHO}，{C}物业撤走后小区没人管，垃圾没人收，大门没人看，{OLD}，心里很不踏实。{ASK}",
	  "{C}{LOC}物业报修无人处理|{WHO}，{C}{B}{U}家里下水管漏水，报修给物业{TIMES}，一直说没有维修工，拖了{DUR}。{ASK}"},
	 {"街道已约谈物业公司负责人，单元门和楼道灯已修复，并要求物业公示报修电话和处理时限。",
	  "经核实物业调价未履行公示和征求意见程序，已责令暂停执行，按规定重新核定。",
	  "社区已召集业主代表和物业协商，恢复被占绿地的公共使用功能。",
	  "在新物业进驻前，街道已安排社区临时托管，落实保洁和门卫服务。",
	  "已督促物业安排维修人员上门，漏水管道已更换。"}},
	{"0402",
	 {"{C}{LOC}改造工程停工|{WHO}，{C}列入了老旧小区改造计划，但{B}外墙保温做了一半就停工了，已经停了{DUR}。{ASK}",
	  "{C}改造后窗户漏风|{WHO}，{C}改造时更换的窗户密封不严，冬天往屋里灌风，{OLD}。{ASK}",
	  "{C}申请纳入老旧小区改造|{WHO}，{C}是八十年代的矿上老楼，管网老化、没有电梯，希望能尽快纳入老旧小区改造。{ASK}",
	  "{C}{LOC}改造施工路面未回填|{WHO}，{C}改造施工把{B}门前的路挖开后一直没回填，{OLD}，进出非常困难。{ASK}",
	  "{C}{LOC}改造后楼顶漏水|{WHO}，{C}{B}改造后楼顶防水没做好，顶层住户一下雨就漏，施工单位联系不上。{ASK}"},
	 {"住建局已督促施工单位恢复施工，外墙保温预计{D}内完工。",
	  "已将该小区纳入下一批老旧小区改造计划，并向居民公示改造内容。",
	  "已要求施工单位对窗户密封进行返工整改，整改后经居民验收合格。",
	  "施工单位已回填路面并完成硬化，同时对楼顶防水进行返修。"}},
	{"0403",
	 {"{C}{LOC}楼上漏水|{WHO}，{C}{B}{U}{F}楼上住户家里漏水，{SINCE}自家卫生间顶棚一直往下滴水，楼上家里常年没人。{ASK}",
	  "{C}{LOC}外墙出现裂缝|{WHO}，{C}{B}外墙出现了好几道裂缝，最宽的能伸进一个手指，{OLD}，很害怕楼出问题。{ASK}",
	  "{C}{LOC}顶楼屋面漏水|{WHO}，{C}{B}{U}顶楼屋面漏水，一下雨屋里就得拿盆接水，墙皮都泡掉了。{ASK}",
	  "{C}{LOC}墙体渗水发霉|{WHO}，{C}{B}{U}{F}家里墙体渗水，墙面发霉发黑，{KID}，已经{DUR}了。{ASK}",
	  "{C}{LOC}墙体开裂疑似沉降|{WHO}，{C}{B}楼下地面沉降，{U}楼梯间墙体出现裂缝，居民担心是采空区塌陷造成的。{ASK}"},
	 {"社区已联系楼上住户家属回来维修，更换漏水管道后已不再渗水。",
	  "已组织专业机构对楼体进行安全鉴定，结论为裂缝不影响结构安全，已安排修补。",
	  "已协调使用住宅专项维修资金对屋面防水进行维修，已完工。",
	  "已委托检测单位对地面沉降进行监测，并将结果告知居民，后续将持续跟踪。"}},
	{"0404",
	 {"{C}{LOC}电梯停运|{WHO}，{C}{B}{U}电梯{SINCE}就停运了，家住{HF}，{OLD}，上下楼非常困难。{ASK}",
	  "{C}{LOC}电梯故障困人|{WHO}，{C}{B}电梯运行时经常突然停住、抖动，昨天还困过人，大家都不敢坐了。{ASK}",
	  "{C}{LOC}电梯年检过期|{WHO}，{C}{B}{U}电梯年检合格证已经过期，{PROP}一直没安排维保，存在安全隐患。{ASK}",
	  "{C}{LOC}电梯按钮失灵|{WHO}，{C}{B}电梯按钮失灵，到{HF}经常不停，开关门时异响很大。{ASK}",
	  "{C}{LOC}电梯损坏无人修|{WHO}，{C}{B}{U}电梯坏了{DUR}，{PROP}说要业主集资修，{OLD}，每天爬到{HF}实在受不了。{ASK}"},
	 {"市场监管局已督促维保单位上门维修，更换门机控制板后电梯恢复正常运行。",
	  "已对该电梯进行安全检查，责令物业限期完成年检，年检合格后恢复使用。",
	  "维保单位已更换失灵按钮并调整平层，电梯运行正常。",
	  "已协调使用维修资金更换电梯主要部件，{WHEN}完成维修并通过检验。"}},
	{"0501",
	 {"{C}{LOC}楼顶违建|{WHO}，{C}{B}顶楼住户在楼顶私自搭建了一间彩钢房，压在楼板上，楼下住户担心安全。{ASK}",
	  "{C}{LOC}占用绿地私建房屋|{WHO}，{C}{B}一楼住户把院墙往外扩，在公共绿地上私建了小房子，影响其他居民通行。{ASK}",
	  "{C}{LOC}疑似违法建设|{WHO}，{C}{PL}有人正在用砖垒房子，没有任何手续，疑似违法建设，{SINCE}一直在施工。{ASK}",
	  "{C}{LOC}占用人行道搭建大棚|{WHO}，{RD}{NO}号附近商户占用人行道搭建了一个大棚，当成仓库用，行人只能走机动车道。{ASK}",
	  "{C}{LOC}私搭车棚|{WHO}，{C}{B}有住户在楼前空地上搭建车棚圈占车位，其他居民停车更难了，{PROP}不管。{ASK}"},
	 {"城管局已下达限期拆除通知书，当事人已自行拆除楼顶彩钢房。",
	  "经调查该建筑未取得规划许可，已依法立案查处，违建部分已拆除。",
	  "执法人员已现场责令停止施工，并将违建拆除，恢复绿地原貌。",
	  "已约谈相关商户，占道搭建的大棚已拆除，人行道恢复通行。"}},
	{"0502",
	 {"{C}{LOC}流动摊贩占道经营|{WHO}，{C}{PL}每天早上都有很多流动摊贩占道经营，卖菜的把路堵得死死的，车过不去。{ASK}",
	  "{C}{LOC}饭店占道经营|{WHO}，{RD}{NO}号附近的饭店把桌椅摆到人行道上，晚上占道经营，行人只能绕到马路上走。{ASK}",
	  "{C}大门口占道经营|{WHO}，{C}大门口水果摊占道经营，烂菜叶子扔一地，老人推着小车出门都过不去。{ASK}",
	  "{C}{LOC}夜市占道经营|{WHO}，{RD}与{RD2}交叉口夜市摊位越摆越多，占道经营严重，消防车都进不去。{ASK}",
	  "{C}{LOC}商户占道堆货|{WHO}，{C}{B}楼下的五金店把货物堆在门前占道，已经{DUR}了，居民进出单元门都得侧着身子。{ASK}"},
	 {"城管局已对占道摊贩进行劝导，并引导其进入便民市场经营。",
	  "已责令饭店将桌椅收回店内经营，将持续加强夜间巡查。",
	  "已规范夜市摊位摆放，划定经营区域，保障消防通道畅通。",
	  "执法人员已督促店主清理门前堆放货物，现已整改到位。"}},
	{"0503",
	 {"{C}{LOC}车辆乱停堵塞通道|{WHO}，{C}{PL}经常有车辆乱停乱放，把消防通道都堵了，{OLD}，万一有急事救护车都进不来。{ASK}",
	  "{C}停车难|{WHO}，{C}车位太少，晚上下班回来根本找不到地方停车，只能停在{RD}边上，经常被贴罚单。{ASK}",
	  "{C}{LOC}车辆长期停放|{WHO}，{RD}{NO}号门前有一辆车停放了{DUR}都没动过，挡住了出入口。{ASK}",
	  "{C}{LOC}外来车辆占用车位|{WHO}，{C}{B}楼下有外来车辆长期占用居民车位停车，{PROP}不管，居民意见很大。{ASK}",
	  "{C}{LOC}学校门口乱停车|{WHO}，{RD}附近学校门口上下学时段家长乱停车，交通拥堵严重，孩子过马路很危险。{ASK}"},
	 {"交警大队已对乱停车辆进行劝离和处罚，并在消防通道施划禁停标线。",
	  "已联系车主将长期停放车辆挪走。",
	  "已协调社区利用闲置空地新增停车位30余个，缓解停车难问题。",
	  "上下学时段已安排交警和志愿者在校门口疏导交通。"}},
	{"0504",
	 {"{C}{LOC}小广告泛滥|{WHO}，{C}{B}楼道和单元门上贴满了开锁、通下水道的小广告，撕了又贴，影响小区环境。{ASK}",
	  "{C}{LOC}广告牌松动|{WHO}，{RD}{NO}号的广告牌已经锈蚀松动，刮大风时摇摇晃晃，下面就是人行道，很危险。{ASK}",
	  "{C}{LOC}违规悬挂广告横幅|{WHO}，{C}{PL}有商家在树上、电线杆上随意悬挂广告横幅，{DUR}了也不撤。{ASK}",
	  "{C}{LOC}广告屏光污染|{WHO}，{RD}与{RD2}交叉口新装了一块大型电子广告屏，晚上特别亮，光线直射居民家里。{ASK}",
	  "{C}广告传单乱发|{WHO}，{C}附近有人每天往车窗上塞广告传单，地上扔得到处都是，{PROP}也管不了。{ASK}"},
	 {"城管局已组织人员清理楼道小广告，并对张贴的电话号码进行停机处理。",
	  "已督促广告牌产权单位拆除松动广告牌，隐患已消除。",
	  "违规悬挂的横幅已全部拆除，并对相关商家进行了教育。",
	  "已责令调低电子屏亮度，并限定晚上十点后关闭。"}},
	{"0601",
	 {"{C}{LOC}消防通道被占|{WHO}，{C}{PL}的消防通道长期被私家车占用，{PROP}划了线也没人遵守，一旦着火消防车进不来。{ASK}",
	  "{C}{LOC}消防栓箱器材缺失|{WHO}，{C}{B}楼道里的消防栓箱是空的，水带和灭火器都没有，{PROP}说早就丢了。{ASK}",
	  "{C}{LOC}消防门被锁|{WHO}，{C}{B}{U}楼道的消防门被住户锁上了，还堆放了杂物，逃生通道完全堵死。{ASK}",
	  "{C}{LOC}消防栓无水|{WHO}，{C}{B}楼下消防栓打开没有水，上次附近着火时才发现，居民很担心。{ASK}",
	  "{C}{LOC}商铺占用消防通道|{WHO}，{RD}{NO}号商铺在消防通道上摆放货架，{DUR}了一直不清理，存在很大安全隐患。{ASK}"},
	 {"消防救援大队已会同物业清理消防通道，设置禁停标识和隔离桩。",
	  "已督促物业补齐消防栓箱内水带、水枪和灭火器。",
	  "已责令打开被锁的消防门并清理杂物，将定期复查。",
	  "经检查系消防管网阀门关闭，已开启并试水正常。"}},
	{"0602",
	 {"{C}{LOC}高层消防设施失效|{WHO}，{C}{B}是十八层的高层住宅，楼内自动喷淋和烟感报警器都不能用，一旦发生火灾后果严重。{ASK}",
	  "{C}{LOC}高层楼道堆物|{WHO}，{C}{B}高层楼道里堆满了纸箱和旧家具，{HF}以上住户多是老人，发生火灾很难疏散。{ASK}",
	  "{C}{LOC}高层消防控制室无人值守|{WHO}，{C}{B}高层的消防电梯长期停用，消防控制室也没人值守，火灾隐患很大。{ASK}",
	  "{C}{LOC}高层前室堆放易燃物|{WHO}，{C}{B}{U}高层住户在{HF}的公共前室堆放易燃物，楼里消防疏散指示灯也不亮。{ASK}",
	  "{C}{LOC}高层外墙保温脱落|{WHO}，{C}{B}高层外墙保温材料脱落，里面的泡沫板裸露在外，听说很容易引起火灾。{ASK}"},
	 {"消防救援大队已对该高层住宅进行检查，督促物业维修喷淋和烟感系统，现已恢复正常。",
	  "已组织清理高层楼道堆放杂物，并开展消防疏散演练。",
	  "已将该楼列入隐患台账，明确整改责任人和时限，消防控制室已落实24小时值守。",
	  "已督促物业更换疏散指示灯，外墙保温脱落部位已修复。"}},
	{"0603",
	 {"{C}{LOC}电动车楼道充电|{WHO}，{C}{B}{U}有住户把电动车停在楼道里充电，电线从窗户拉出来，晚上一充就是一整夜。{ASK}",
	  "{C}{LOC}电动车飞线充电|{WHO}，{C}{B}有人从{F}窗户吊下电线给楼下的电动车飞线充电，楼下经常有孩子玩。{ASK}",
	  "{C}{LOC}电动车进电梯入户|{WHO}，{C}{B}{U}邻居每天把电动车推进电梯带回家充电，{PROP}劝过{TIMES}也不听。{ASK}",
	  "{C}缺少电动车充电桩|{WHO}，{C}没有电动车集中充电桩，很多人只能在楼道里私拉电线给电动车充电，{OLD}，大家都很担心。{ASK}",
	  "{C}{LOC}楼道停放电动车|{WHO}，{C}{B}楼道里停了四五辆电动车，把楼梯堵了一半，晚上还在充电，存在火灾隐患。{ASK}"},
	 {"社区网格员已上门劝导，住户已将电动车移出楼道，并拆除私拉电线。",
	  "已在小区内新建电动车集中充电棚，居民可扫码充电。",
	  "已联合物业在电梯内安装电动车阻车系统。",
	  "已对飞线充电住户进行教育并现场拆除电线，网格员将每日巡查。"}},
	{"0604",
	 {"{C}{LOC}外墙瓷砖脱落|{WHO}，{C}{B}外墙瓷砖大面积脱落，昨天又掉下来几块，差点砸到行人，下面就是单元门口。{ASK}",
	  "{C}{LOC}疑似危房|{WHO}，{C}{B}是五十年代的老房子，墙体开裂、房梁下沉，{OLD}，住在里面提心吊胆，怀疑是危房。{ASK}",
	  "{C}{LOC}空调支架锈断|{WHO}，{C}{B}{U}{F}住户的空调外机支架锈断了，随时可能掉落，下面是小区主路。{ASK}",
	  "{C}{LOC}废弃平房存在隐患|{WHO}，{C}{PL}有一排废弃的平房，屋顶已经塌了一半，经常有孩子进去玩，存在危房倒塌隐患。{ASK}",
	  "{C}{LOC}楼顶砖块坠落|{WHO}，{C}{B}楼顶的女儿墙有砖块松动，大风天有碎砖坠落，{KID}，每天从楼下经过很担心。{ASK}"},
	 {"住建局已组织人员对脱落瓷砖进行清除，设置警示围挡，并安排外墙维修。",
	  "经房屋安全鉴定为C级危房，已协调居民临时搬离，并启动维修加固。",
	  "已通知住户更换锈蚀空调支架，隐患已消除。",
	  "已对废弃平房进行围挡封闭，并联系产权单位拆除。"}},
	{"0701",
	 {"{C}{LOC}独居老人多日未露面|{WHO}，{C}{B}{U}住着一位{AGE}的独居老人，子女都在外地，最近几天没见老人出门，敲门也没人应。{ASK}",
	  "{C}老人申请助餐和上门照护|{WHO}，其母亲是一位{AGE}的老人，独自住在{C}{B}，腿脚不便，想申请社区助餐和上门照护服务，不知道该怎么办理。{ASK}",
	  "{C}日间照料中心关闭|{WHO}，{C}的老年日间照料中心{DUR}没开门了，很多老人没地方去，中午吃饭也成了问题。{ASK}",
	  "{C}{LOC}老人呼叫设备损坏|{WHO}，{C}{B}一位{AGE}的老人家里的一键呼叫设备坏了，按9没有反应，担心老人出事联系不上人。{ASK}",
	  "{C}{LOC}独居老人需要帮助|{WHO}，{C}{B}{F}一位独居老人行动不便，冬天买煤、买菜都困难，希望能安排志愿者定期上门看看。"},
	 {"社区网格员已上门探望，老人身体状况良好，已为其安排代理儿女志愿者每日敲门问候。",
	  "已为老人办理居家养老服务申请，助餐和上门照护服务已开始提供。",
	  "日间照料中心已恢复开放，并新增老年助餐服务。",
	  "已为老人更换一键呼叫设备并设置按9直连志愿者，测试正常。"}},
	{"0702",
	 {"{C}居民咨询低保申请|{WHO}，家住{C}{B}，丈夫去年因病去世，自己没有工作，还要供孩子上学，想申请低保，不知道需要什么材料。{ASK}",
	  "{C}{LOC}低保金未到账|{WHO}，{C}{B}{U}居民本月低保金到现在还没到账，之前每月都是按时发的，家里等着这钱买药。{ASK}",
	  "{C}困难家庭申请临时救助|{WHO}，家住{C}，老伴患了重病，住院花了十几万，家里实在困难，想咨询能不能申请临时救助。{ASK}",
	  "{C}低保申请无进展|{WHO}，两个月前在{C}递交了低保申请材料，到现在还没有消息，去社区问也说不清楚审核到哪一步了。{ASK}",
	  "{C}{LOC}残疾人家庭需要救助|{WHO}，{C}{B}有一户残疾人家庭，房子破旧、冬天取暖都成问题，希望民政部门给予救助。"},
	 {"社区已上门指导办理低保申请，材料已受理，正在审核中，审核结果将及时告知。",
	  "经核实系银行账户变更导致低保金未到账，已补发。",
	  "已为其家庭申请临时救助金，并链接慈善资源给予帮扶。",
	  "民政局已将该户纳入困难家庭帮扶台账，落实取暖补贴。"}},
	{"0703",
	 {"{C}居民社保断缴影响退休|{WHO}，自己在矿上干了三十年，今年办理退休时发现社保有几年断缴记录，养老金一直核定不下来。{ASK}",
	  "{C}居民异地就医医保报销问题|{WHO}，家中老人在外地住院，异地就医医保报销比例很低，备案手续也不清楚怎么办。{ASK}",
	  "{C}居民社保卡无法使用|{WHO}，{SINCE}社保卡突然无法使用，去药店买药刷不了医保，打电话问了{TIMES}都没解决。{ASK}",
	  "{C}居民养老保险欠缴|{WHO}，原来的单位破产了，之前欠缴的养老保险没人管，自己眼看到了退休年龄，非常着急。{ASK}",
	  "{C}新生儿医保办理难|{WHO}，孩子刚出生，想给孩子办理城乡居民医保，跑了{TIMES}都说材料不全，不知道还缺什么。{ASK}"},
	 {"人社局已调取档案核实缴费记录，断缴年限已按政策补缴，养老金核定完成。",
	  "已指导其通过线上渠道办理异地就医备案，报销比例已按规定执行。",
	  "经核实系社保卡信息未同步，社保卡已重新激活，可正常使用。",
	  "已一次性告知所需材料，并为其办理了城乡居民医保参保登记。"}},
	{"0704",
	 {"{C}适龄儿童入学难|{WHO}，孩子今年该上小学了，家住{C}{B}，按片区应该在附近学校入学，但学校说学位已满，不给报名。{ASK}",
	  "{C}学生转学手续咨询|{WHO}，自己在外地务工，孩子跟着老人在{C}生活，想办理转学回矿区上学，不清楚手续怎么办。{ASK}",
	  "{C}{LOC}学校课后服务|{WHO}，{RD}附近的学校放学时间太早，双职工家庭接不了孩子，希望学校能开展课后服务。",
	  "{C}学校指定购买校服教辅|{WHO}，孩子所在学校{SINCE}要求家长在指定地点买校服和教辅资料，价格比外面贵很多。{ASK}",
	  "{C}附近幼儿园停办|{WHO}，{C}附近的幼儿园停办了，最近的公办园离家很远，家里两个孩子都到了上学年龄，接送非常不方便。{ASK}"},
	 {"教育局已核实其户籍和住址，已安排在片区学校就近入学。",
	  "已指导其办理转学手续，孩子已顺利入学。",
	  "该校已开展课后延时服务，家长可自愿报名。",
	  "已责令学校停止指定购买行为，并进行通报。"}},
	{"0705",
	 {"{C}社区卫生服务站经常关门|{WHO}，{C}的社区卫生服务站经常关门，老人量个血压、开点常用药都得坐车去大医院。{ASK}",
	  "{C}居民反映就医排队时间长|{WHO}，家里老人在区医院看病，挂号、缴费、取药来回跑，一上午光排队就排了三个多小时，老人腿脚不好，实在吃不消。{ASK}",
	  "{C}{LOC}疑似无证诊所|{WHO}，{C}{PL}有一家诊所疑似无证行医，还给人输液，担心出医疗事故。{ASK}",
	  "{C}家庭医生签约咨询|{WHO}，{C}{B}有老人长期卧床，想咨询家庭医生签约上门服务怎么办理，社区医生一直联系不上。{ASK}",
	  "{C}附近药店缺药|{WHO}，{AGE}的父亲需要定期打胰岛素，附近药店和卫生服务站都经常缺药。{ASK}"},
	 {"卫健局已督促社区卫生服务站落实开诊时间，并增加常用药配备。",
	  "已联系卫生监督执法人员对无证诊所进行查处。",
	  "家庭医生团队已上门签约，每月定期上门随访。",
	  "区医院已开通老年人就医绿色通道，并增设自助缴费设备。"}},
	{"0706",
	 {"{C}{LOC}超市售卖过期食品|{WHO}，在{C}{PL}的超市买到过期的牛奶，孩子喝了后拉肚子，找商家只愿意退钱不愿赔偿。{ASK}",
	  "{C}{LOC}健身房预付卡退费难|{WHO}，在{RD}{NO}号的一家健身房办了年卡，没去几次店就关门了，老板联系不上，预付消费的钱退不回来。{ASK}",
	  "{C}附近饭馆食品卫生差|{WHO}，{C}附近一家小饭馆后厨卫生很差，老鼠到处跑，食品安全让人担心。{ASK}",
	  "{C}{LOC}家电商场拒绝保修|{WHO}，在{RD}一家家电商场买的热水器，用了不到一个月就坏了，商家以各种理由拒绝保修。{ASK}",
	  "{C}{LOC}流动摊贩售卖自制熟食|{WHO}，{C}{PL}有流动摊贩卖自制熟食，没有任何卫生措施，食品来源不明，很多老人图便宜买。{ASK}"},
	 {"市场监管局已对该超市进行检查，下架过期食品，并督促商家按规定赔偿。",
	  "经调解，商家已退还消费者预付款余额。",
	  "已对该餐馆进行检查，责令停业整改。",
	  "经调解，商家同意为消费者更换新产品。"}},
	{"0801",
	 {"{C}{LOC}楼上漏水引发邻里纠纷|{WHO}，{C}{B}{U}楼上邻居家卫生间漏水，导致自家天花板发霉，多次协商对方拒不维修，双方已经吵了好几次。{ASK}",
	  "{C}{LOC}邻居楼道堆物引发争吵|{WHO}，{C}{B}对门邻居长期在公共楼道堆放杂物，沟通时发生了争吵，现在见面就吵，希望社区出面调解。",
	  "{C}{LOC}邻居养狗扰民|{WHO}，{C}{B}一楼邻居在窗外养了几条狗，整夜叫唤，说过{TIMES}对方态度很差，邻里关系闹得很僵。{ASK}",
	  "{C}{LOC}邻居装修破坏承重墙|{WHO}，{C}{B}邻居家装修把承重墙打了个洞，自家墙面出现裂缝，找对方协商不理睬。{ASK}",
	  "{C}{LOC}邻里空地使用纠纷|{WHO}，{C}{B}两户邻居因为楼前一块空地的使用问题发生纠纷，最近已经吵了好几回，差点动手，希望网格员帮忙调解。"},
	 {"社区调解员已组织双方面对面协商，楼上住户同意维修漏水，双方达成和解。",
	  "网格员上门调解，双方互相谅解，杂物已清理。",
	  "已协调养狗住户夜间将狗关在室内，噪音问题得到解决。",
	  "社区联合派出所民警进行调解，双方签订了调解协议。"}},
	{"0802",
	 {"{C}附近工地拖欠工资|{WHO}，自己在{C}附近的一个建筑工地干活，包工头拖欠了三个月工资共一万多元，现在人已经联系不上了。{ASK}",
	  "{C}{LOC}饭店拖欠工资|{WHO}，在{RD}{NO}号的一家饭店当服务员，辞职后老板一直不结最后两个月的工资。{ASK}",
	  "{C}居民反映单位停发工资|{WHO}，单位{SINCE}以效益不好为由停发工资，也不给缴社保，二十多名工人都没有拿到钱。{ASK}",
	  "{C}改造工地欠薪|{WHO}，在老旧小区改造工地上打零工，工程干完了，工头说上面的工程款没下来，欠薪一直拖着。{ASK}",
	  "{C}居民反映公司克扣工资|{WHO}，在一家物流公司上班，公司没有签劳动合同，加班不给加班费，还无故扣工资。{ASK}"},
	 {"人社局劳动监察大队已介入调查，责令用人单位支付拖欠工资，工资已全部发放到位。",
	  "经调解，老板已结清拖欠工资。",
	  "已指导其申请劳动仲裁，并提供法律援助。",
	  "已督促总包单位先行垫付工人工资，欠薪问题已解决。"}},
	{"0803",
	 {"{C}{LOC}老人赡养纠纷|{WHO}，{C}{B}一位{AGE}的老人几个子女互相推诿，不尽赡养义务，老人生病住院没人照顾。{ASK}",
	  "{C}家庭矛盾需调解|{WHO}，其与丈夫因家庭琐事长期争吵，最近丈夫酒后还动过手，希望社区帮忙调解。",
	  "{C}{LOC}房产分配家庭纠纷|{WHO}，{C}{B}一户居民兄弟几人因为父母留下的房子分配问题闹矛盾，家庭关系非常紧张。{ASK}",
	  "{C}离婚抚养纠纷需调解|{WHO}，儿子儿媳闹离婚，孩子的抚养问题一直谈不拢，老人夹在中间很为难，想找人帮忙调解。",
	  "{C}{LOC}家庭矛盾激烈|{WHO}，{C}{B}{U}一户人家经常深夜吵架摔东西，家庭矛盾激烈，邻居担心出事。{ASK}"},
	 {"社区调解委员会已召集老人子女协商，签订了赡养协议，明确每人的赡养责任。",
	  "社区已联系妇联和民警上门调解，并告知其可申请人身安全保护令。",
	  "经调解，兄弟几人就房屋分配达成一致意见。",
	  "律师已在周四法律服务日为其提供咨询，双方同意进一步协商。"}},
	{"0901",
	 {"{C}附近缺少公交站点|{WHO}，{C}附近没有公交站点，最近的站要走二十多分钟，{OLD}，出门看病很不方便，希望增设站点。",
	  "{C}{LOC}公交车班次少|{WHO}，{RD}经过的公交车班次太少，早高峰要等半个多小时，上班经常迟到。{ASK}",
	  "{C}{LOC}公交站牌损坏|{WHO}，{RD}{NO}号附近的公交站牌被撞坏了，{DUR}没有修复，乘客不知道在哪里等车。{ASK}",
	  "建议开通{C}至火车站公交线路|{WHO}，建议开通从{C}到市区火车站的公交线路，现在要倒两趟车，老人孩子出行特别不方便。",
	  "{C}{LOC}公交末班车太早|{WHO}，{RD}的公交车晚上七点就收车了，下夜班的工人回不了家，希望能延长运营时间。"},
	 {"交通运输局已对该区域公交站点进行调研，计划增设站点，预计{D}内完成。",
	  "已协调公交公司在早高峰加密班次。",
	  "损坏的公交站牌已修复。",
	  "已将开通新线路的建议转公交公司研究，将结合客流情况论证。"}},
	{"0902",
	 {"{C}{LOC}信号灯故障|{WHO}，{RD}与{RD2}交叉口的信号灯{SINCE}一直黄灯闪烁，车辆和行人抢行，很容易出事故。{ASK}",
	  "{C}门口路口需设红绿灯|{WHO}，{C}门口的路口没有红绿灯，{KID}，每天上学过马路都提心吊胆，希望增设信号灯。",
	  "{C}{LOC}交通标志被遮挡|{WHO}，{RD}{NO}号附近的限速标志被树枝挡住了，斑马线也磨没了，车辆开得很快。{ASK}",
	  "{C}{LOC}信号灯配时不合理|{WHO}，{RD}与{RD2}交叉口的信号灯红灯时间太长、绿灯只有十几秒，老人过马路根本走不过去。{ASK}",
	  "{C}{LOC}急弯缺少警示标志|{WHO}，{RD}下坡处的急弯没有任何警示标志，晚上经常有车冲出路面。{ASK}"},
	 {"交警大队已对故障信号灯进行维修，信号灯已恢复正常。",
	  "已在该路口施划斑马线并设置减速带，增设信号灯已列入计划。",
	  "已修剪遮挡标志的树枝，并重新施划标线。",
	  "已对路口信号配时进行优化，延长行人绿灯时间。"}},
	{"1001",
	 {"关于{C}推广老年助餐的建议|{WHO}，{C}老年人多、子女多在外地，建议在社区推广老年食堂和助餐点，解决老人吃饭难问题。",
	  "关于老旧小区加装电梯的建议|{WHO}，矿区老旧小区多，很多楼没有电梯，建议统筹推进加装电梯，并简化审批手续。",
	  "关于{C}周边采空区检测的建议|{WHO}，{C}周边采空区沉降影响部分楼房安全，建议相关部门组织专业检测并公布结果，让居民安心。",
	  "关于{C}建设青少年活动场所的建议|{WHO}，{C}附近缺少适合青少年的公共活动场所，建议利用闲置厂房建设社区文体活动中心。",
	  "关于政务服务保留人工窗口的建议|{WHO}，现在网上办事渠道多但老年人不会用，建议在社区政务服务驿站保留人工窗口并提供帮办代办。"},
	 {"区政协已将该社情民意信息整理上报，并转相关部门研究办理，办理情况将及时反馈。",
	  "该意见已被采纳，相关部门将在明年工作中统筹推进。",
	  "已转交相关职能部门研究，部门已作出书面答复。",
	  "该社情民意已编入专报，有关部门正在制定具体措施。"}},
	{"1002",
	 {"关于{C}停车难问题的代表建议|人大代表在联络站接待选民时了解到，{C}停车位严重不足，建议利用{PL}闲置空地建设停车场。",
	  "关于{C}排水管网改造的代表建议|选民在代表接待日反映，{C}{B}一带雨季经常积水，建议对{RD}的排水管网进行改造。",
	  "关于完善居家养老服务的代表建议|人大代表走访{C}时了解到，辖区独居老人较多，建议完善“按9呼叫”等居家养老服务，扩大志愿者队伍。",
	  "关于拓宽{RD}的代表建议|选民向人大代表反映，{RD}路面窄、人车混行，建议拓宽道路并增设人行道。",
	  "关于{C}建设便民市场的代表建议|人大代表联络站收集到居民意见，{C}周边缺少菜市场，建议规划建设便民市场，方便居民买菜。"},
	 {"区人大常委会已将代表建议交办至相关部门，承办单位已制定解决方案并向代表书面答复。",
	  "承办单位已与代表沟通，建议事项已列入今年实施计划。",
	  "该建议已办结，代表对办理结果表示满意。",
	  "建议所提问题已部分解决，剩余部分将结合年度计划推进。"}},
	{"1003",
	 {"{C}居民建议建设小游园|{WHO}，{C}{PL}有一块空地长期闲置，建议改造成小游园，安装一些健身器材供居民锻炼。",
	  "{C}居民建议加装照明监控|{WHO}，{C}晚上{PL}比较黑，建议在那里加装监控和照明，保障居民安全。",
	  "{C}居民建议更新宣传栏|{WHO}，{C}的宣传栏内容好久没更新了，建议多公布一些惠民政策和办事流程。",
	  "{C}居民建议开设老年课程|{WHO}，建议{C}在周末开设一些书法、太极拳之类的课程，丰富老年人的业余生活。",
	  "{C}居民建议设置快递柜|{WHO}，{C}的快递包裹经常堆放在单元门口，建议设置快递柜或驿站，方便居民取件。"},
	 {"街道已采纳该建议，将在社区空地建设小游园，预计{D}内完工。",
	  "社区已召开居民议事会讨论该建议，已按多数居民意见落实。",
	  "已将建议纳入社区年度服务清单，在菜单式服务中增设相关课程。",
	  "已协调快递企业在小区设置快递柜。"}},
};

/* Optional closing sentences of a reply. */
static const char *const lx_demo_reply_tails[] = {
	"已电话回访来电人，对处理结果表示满意。", "网格员将持续跟踪。",
	"感谢您对我们工作的支持。", "如仍有问题，可随时联系社区网格员。",
};

enum {
	LX_DEMO_USED_B = 1,
	LX_DEMO_USED_U = 2,
	LX_DEMO_USED_F = 4,
	LX_DEMO_USED_HF = 8,
	LX_DEMO_USED_RD = 16,
	LX_DEMO_USED_RD2 = 32,
	LX_DEMO_USED_NO = 64,
	LX_DEMO_USED_PL = 128,
};

/* The fixed facts of one case, so that repeated tags agree. */
typedef struct lx_demo_ctx {
	const char *comm;
	int bld, bld2, unit, floor, hfloor, room, no;
	const char *road, *road2, *place;
	unsigned used;
	char loc[128];
} lx_demo_ctx;

static const lx_demo_cat *lx_demo_cat_find(const char *code)
{
	if (!code)
		return NULL;
	for (unsigned i = 0; i < LX_DEMO_N(lx_demo_cats); i++)
		if (strcmp(lx_demo_cats[i].code, code) == 0)
			return &lx_demo_cats[i];
	return NULL;
}

/* Returns one of the non-NULL entries of opt[0..max). */
static const char *lx_demo_pick(const char *const *opt, unsigned max, uint64_t *rng)
{
	unsigned n = 0;
	while (n < max && opt[n])
		n++;
	return n ? opt[lx_demo_below(rng, n)] : "";
}

/* Appends tpl to b with every {TAG} replaced. */
static void lx_demo_expand(lx_buf *b, const char *tpl, lx_demo_ctx *c, uint64_t *rng)
{
	const char *p = tpl;
	while (*p) {
		const char *q = strchr(p, '{');
		if (!q) {
			lx_buf_puts(b, p);
			return;
		}
		lx_buf_append(b, p, (size_t)(q - p));
		const char *e = strchr(q, '}');
		if (!e) {
			lx_buf_puts(b, q);
			return;
		}
		char tag[16];
		size_t tl = (size_t)(e - q - 1);
		if (tl >= sizeof(tag))
			tl = sizeof(tag) - 1;
		memcpy(tag, q + 1, tl);
		tag[tl] = '\0';
		p = e + 1;
		if (!strcmp(tag, "C")) {
			lx_buf_puts(b, c->comm);
		} else if (!strcmp(tag, "B")) {
			lx_buf_printf(b, "%d号楼", c->bld);
			c->used |= LX_DEMO_USED_B;
		} else if (!strcmp(tag, "B2")) {
			lx_buf_printf(b, "%d号楼", c->bld2);
		} else if (!strcmp(tag, "U")) {
			lx_buf_printf(b, "%d单元", c->unit);
			c->used |= LX_DEMO_USED_U;
		} else if (!strcmp(tag, "F")) {
			lx_buf_printf(b, "%d楼", c->floor);
			c->used |= LX_DEMO_USED_F;
		} else if (!strcmp(tag, "HF")) {
			lx_buf_printf(b, "%d楼", c->hfloor);
			c->used |= LX_DEMO_USED_HF;
		} else if (!strcmp(tag, "RD")) {
			lx_buf_puts(b, c->road);
			c->used |= LX_DEMO_USED_RD;
		} else if (!strcmp(tag, "RD2")) {
			lx_buf_puts(b, c->road2);
			c->used |= LX_DEMO_USED_RD2;
		} else if (!strcmp(tag, "NO")) {
			lx_buf_printf(b, "%d", c->no);
			c->used |= LX_DEMO_USED_NO;
		} else if (!strcmp(tag, "PL")) {
			lx_buf_puts(b, c->place);
			c->used |= LX_DEMO_USED_PL;
		} else if (!strcmp(tag, "LOC")) {
			if (lx_demo_below(rng, 3))
				lx_buf_puts(b, c->loc);
		} else {
			bool found = false;
			for (unsigned i = 0; i < LX_DEMO_N(lx_demo_words) && !found; i++) {
				if (strcmp(lx_demo_words[i].tag, tag) == 0) {
					lx_buf_puts(b, lx_demo_pick(lx_demo_words[i].opt, LX_DEMO_OPTS,
								    rng));
					found = true;
				}
			}
			if (!found)
				lx_buf_append(b, q, (size_t)(e - q + 1));
		}
	}
}

static void lx_demo_ctx_init(lx_demo_ctx *c, const char *community, uint64_t *rng)
{
	memset(c, 0, sizeof(*c));
	c->comm = community ? community
			    : lx_demo_estates[lx_demo_below(rng, LX_DEMO_N(lx_demo_estates))];
	c->bld = 1 + (int)lx_demo_below(rng, 24);
	c->bld2 = 1 + (int)lx_demo_below(rng, 23);
	if (c->bld2 >= c->bld)
		c->bld2++;
	c->unit = 1 + (int)lx_demo_below(rng, 5);
	c->floor = 1 + (int)lx_demo_below(rng, 7);
	c->hfloor = 11 + (int)lx_demo_below(rng, 16);
	c->room = 1 + (int)lx_demo_below(rng, 2);
	c->no = 1 + (int)lx_demo_below(rng, 199);
	unsigned r1 = lx_demo_below(rng, LX_DEMO_N(lx_demo_roads));
	unsigned r2 = lx_demo_below(rng, LX_DEMO_N(lx_demo_roads) - 1);
	if (r2 >= r1)
		r2++;
	c->road = lx_demo_roads[r1];
	c->road2 = lx_demo_roads[r2];
	c->place = lx_demo_places[lx_demo_below(rng, LX_DEMO_N(lx_demo_places))];
}

/* Fills c->loc (for titles) and returns the malloc'd address, both from
 * the location tags the description used. */
static char *lx_demo_locate(lx_demo_ctx *c)
{
	lx_buf a;
	unsigned u = c->used;
	lx_buf_init(&a);
	lx_buf_puts(&a, c->comm);
	if (u & LX_DEMO_USED_B) {
		snprintf(c->loc, sizeof(c->loc), "%d号楼", c->bld);
		lx_buf_printf(&a, "%d号楼", c->bld);
		if (u & (LX_DEMO_USED_U | LX_DEMO_USED_F | LX_DEMO_USED_HF))
			lx_buf_printf(&a, "%d单元", c->unit);
		if (u & LX_DEMO_USED_HF)
			lx_buf_printf(&a, "%d%02d室", c->hfloor, c->room);
		else if (u & LX_DEMO_USED_F)
			lx_buf_printf(&a, "%d%02d室", c->floor, c->room);
	} else if ((u & LX_DEMO_USED_RD) && (u & LX_DEMO_USED_RD2)) {
		snprintf(c->loc, sizeof(c->loc), "%s与%s交叉口", c->road, c->road2);
		lx_buf_puts(&a, c->loc);
	} else if ((u & LX_DEMO_USED_RD) && (u & LX_DEMO_USED_NO)) {
		snprintf(c->loc, sizeof(c->loc), "%s", c->road);
		lx_buf_printf(&a, "%s%d号", c->road, c->no);
	} else if (u & LX_DEMO_USED_PL) {
		snprintf(c->loc, sizeof(c->loc), "%s", c->place);
		lx_buf_puts(&a, c->place);
	} else if (u & LX_DEMO_USED_RD) {
		snprintf(c->loc, sizeof(c->loc), "%s", c->road);
		lx_buf_puts(&a, c->road);
	} else {
		c->loc[0] = '\0';
		lx_buf_printf(&a, "%d号楼%d单元", c->bld, c->unit);
	}
	return lx_buf_steal(&a);
}

int lx_demo_case_text(const char *category_code, const char *community_name, uint64_t *rng,
		      char **title, char **description, char **address)
{
	const lx_demo_cat *cat = lx_demo_cat_find(category_code);
	*title = *description = *address = NULL;
	if (!cat)
		return LX_INVALID;
	lx_demo_ctx c;
	lx_buf b;
	lx_demo_ctx_init(&c, community_name, rng);
	lx_buf_init(&b);
	const char *tpl = lx_demo_pick(cat->cases, LX_DEMO_N(cat->cases), rng);
	const char *bar = strchr(tpl, '|');
	lx_demo_expand(&b, bar + 1, &c, rng);
	*description = lx_buf_steal(&b);
	*address = lx_demo_locate(&c);
	char *ttpl = lx_xstrndup(tpl, (size_t)(bar - tpl));
	lx_demo_expand(&b, ttpl, &c, rng);
	free(ttpl);
	*title = lx_buf_steal(&b);
	return LX_OK;
}

char *lx_demo_reply_text(const char *category_code, uint64_t *rng)
{
	const lx_demo_cat *cat = lx_demo_cat_find(category_code);
	if (!cat)
		return NULL;
	lx_demo_ctx c;
	lx_buf b;
	lx_demo_ctx_init(&c, NULL, rng);
	lx_buf_init(&b);
	lx_demo_expand(&b, lx_demo_pick(cat->reply, LX_DEMO_N(cat->reply), rng), &c, rng);
	if (lx_demo_below(rng, 2))
		lx_buf_puts(&b, lx_demo_reply_tails[lx_demo_below(rng, LX_DEMO_N(lx_demo_reply_tails))]);
	return lx_buf_steal(&b);
}

/* ------------------------------------------------------------------ */
/* People */

static const char *const lx_demo_surnames[] = {
	"王", "李", "张", "刘", "郭", "赵", "杨", "武", "贾", "郝", "梁", "韩", "任", "高",
	"田", "阎", "冯", "陈", "孙", "许", "乔", "史", "侯", "白", "薛", "吕", "范", "程",
	"周", "吴", "马", "胡", "朱", "宋", "董", "苏", "常", "康", "段", "温", "牛", "秦",
	"曹", "魏", "石", "邢", "岳", "霍", "申", "渠",
};
static const char *const lx_demo_given_m[] = {
	"伟", "强", "军", "磊", "勇", "杰", "涛", "明", "斌", "鹏", "华", "建", "国", "平",
	"刚", "志", "文", "辉", "亮", "峰", "海", "波", "宇", "浩", "俊", "林", "东", "龙",
	"飞", "晨", "鑫", "瑞", "旭", "晋", "生", "宏",
};
static const char *const lx_demo_given_f[] = {
	"芳", "娟", "敏", "静", "丽", "艳", "霞", "红", "燕", "玲", "萍", "婷", "雪", "慧",
	"琳", "丹", "洁", "英", "梅", "桂", "兰", "秀", "凤", "颖", "欣", "悦", "倩", "瑞",
	"晓", "春",
};
static const char *const lx_demo_mobile_prefix[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150",
	"151", "152", "155", "156", "157", "158", "159", "166", "176", "177", "178",
	"180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "199",
};

char *lx_demo_person_name(uint64_t *rng)
{
	bool female = lx_demo_below(rng, 2);
	const char *const *given = female ? lx_demo_given_f : lx_demo_given_m;
	unsigned ng = female ? LX_DEMO_N(lx_demo_given_f) : LX_DEMO_N(lx_demo_given_m);
	const char *sur = lx_demo_surnames[lx_demo_below(rng, LX_DEMO_N(lx_demo_surnames))];
	unsigned a = lx_demo_below(rng, ng);
	if (lx_demo_below(rng, 10) < 3)
		return lx_xasprintf("%s%s", sur, given[a]);
	unsigned b = lx_demo_below(rng, ng - 1);
	if (b >= a)
		b++;
	return lx_xasprintf("%s%s%s", sur, given[a], given[b]);
}

char *lx_demo_phone(uint64_t *rng)
{
	const char *pre =
		lx_demo_mobile_prefix[lx_demo_below(rng, LX_DEMO_N(lx_demo_mobile_prefix))];
	return lx_xasprintf("%s%08u", pre, lx_demo_below(rng, 100000000u));
}
