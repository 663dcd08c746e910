/*
 * gridmap.js - the grid map: the children of one unit drawn as SVG from
 * their GeoJSON boundaries (WGS84 lon/lat, no tiles), coloured by a count
 * per child, with labels, case points and a pin.
 *
 * Props: root (unit id whose children are drawn; 0 = the caller's top
 * units), values (Map id -> number, for the colour), points
 * ([{id, lat, lon, hot}]), pin ({lat, lon}), pick (clicks place the pin
 * instead of drilling down).
 * Emits: drill(unit) when a child is clicked, pick({lat, lon}) in pick mode.
 */
import { computed, ref, watch, shallowRef, onMounted, onBeforeUnmount, nextTick } from 'vue';
import { t } from '../i18n.js';
import { childrenWithBoundary } from '../session.js';
import { api } from '../api.js';

const W = 1000;

function rings(geom) {
  if (!geom) return [];
  if (geom.type === 'Polygon') return [geom.coordinates];
  if (geom.type === 'MultiPolygon') return geom.coordinates;
  return [];
}

/* Area-weighted centroid of the largest polygon's outer ring. */
function centroid(geom) {
  let best = null, bestA = -1;
  for (const poly of rings(geom)) {
    const r = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
      a += f;
      cx += (r[j][0] + r[i][0]) * f;
      cy += (r[j][1] + r[i][1]) * f;
    }
    if (Math.abs(a) > bestA && a !== 0) {
      bestA = Math.abs(a);
      best = [cx / (3 * a), cy / (3 * a)];
    }
  }
  return best;
}

/* Colour for value v among values up to max (0: quiet green). */
export function heat(v, max) {
  if (!v) return '#e3f1e6';
  const f = max > 1 ? Math.min(1, (v - 1) / (max - 1)) : 1;
  const stops = [[255, 226, 138], [255, 152, 64], [211, 47, 47]];
  const seg = f < 0.5 ? 0 : 1, lf = f < 0.5 ? f * 2 : (f - 0.5) * 2;
  const c = stops[seg].map((x, k) => Math.round(x + (stops[seg + 1][k] - x) * lf));
  return 'rgb(' + c.join(',') + ')';
}

export const LxGridMap = {
  props: {
    root: { type: Number, default: 0 },
    values: { type: Object, default: null },
    points: { type: Array, default: () => [] },
    pin: { type: Object, default: null },
    pick: Boolean,
    height: { type: String, default: '' },
  },
  emits: ['drill', 'pick', 'loaded'],
  setup(props, { emit }) {
    const units = shallowRef([]);
    const loading = ref(false);
    const error = ref(null);
    const svg = ref(null);
    const hover = ref(null);
    /* SVG units per screen pixel, so labels and dots keep a readable size
     * whatever the map's size on screen. */
    const upp = ref(1);
    let ro = null;
    function measure() {
      const el = svg.value;
      if (!el || !proj.value) return;
      const w = el.clientWidth || 1, h = el.clientHeight || 1;
      upp.value = Math.max(W / w, proj.value.H / h);
    }
    onMounted(() => {
      if (window.ResizeObserver) {
        ro = new ResizeObserver(measure);
        watch(svg, (el) => { if (el) { ro.observe(el); measure(); } }, { immediate: true });
      }
    });
    onBeforeUnmount(() => { if (ro) ro.disconnect(); });

    let seq = 0;
    async function load() {
      const my = ++seq;
      loading.value = true;
      error.value = null;
      try {
        let list = (await childrenWithBoundary(props.root)).filter((u) => u.boundary);
        if (!list.length && props.root) {
          const self = await api.get('/units/' + props.root);
          list = self.boundary ? [self] : [];
        }
        if (my !== seq) return;
        units.value = list;
        emit('loaded', list);
      } catch (e) {
        if (my === seq) error.value = e;
      } finally {
        if (my === seq) loading.value = false;
      }
    }
    watch(() => props.root, load, { immediate: true });

    const proj = computed(() => {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const u of units.value)
        for (const poly of rings(u.boundary))
          for (const p of poly[0]) {
            if (p[0] < minX) minX = p[0];
            if (p[0] > maxX) maxX = p[0];
            if (p[1] < minY) minY = p[1];
            if (p[1] > maxY) maxY = p[1];
          }
      if (!isFinite(minX)) return null;
      const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
      const pad = 0.04;
      const spanX = (maxX - minX) * k || 1e-6, spanY = (maxY - minY) || 1e-6;
      const s = W / (spanX * (1 + 2 * pad));
      const H = Math.max(200, Math.round(spanY * s * (1 + 2 * pad) + 0.5));
      const ox = minX - spanX / k * pad, oy = maxY + spanY * pad;
      return {
        H, s,
        fwd: (lon, lat) => [((lon - ox) * k) * s, (oy - lat) * s],
        inv: (x, y) => [x / s / k + ox, oy - y / s],
      };
    });

    watch(() => proj.value && proj.value.H, () => nextTick(measure));

    const max = computed(() => {
      let m = 0;
      if (props.values) for (const u of units.value) m = Math.max(m, props.values.get(u.id) || 0);
      return m;
    });

    const shapes = computed(() => {
      const p = proj.value;
      if (!p) return [];
      const fontBase = 12 * upp.value;
      return units.value.map((u) => {
        let d = '';
        for (const poly of rings(u.boundary))
          for (const ring of poly)
            d += ring.map((pt, i) => (i ? 'L' : 'M') + p.fwd(pt[0], pt[1]).map((v) => v.toFixed(1)).join(',')).join('') + 'Z';
        const c = centroid(u.boundary);
        const [lx, ly] = c ? p.fwd(c[0], c[1]) : [0, 0];
        const v = props.values ? props.values.get(u.id) || 0 : null;
        return { u, d, lx, ly, v, fill: props.values ? heat(v, max.value) : '#eef3fb', font: fontBase };
      });
    });

    const dots = computed(() => {
      const p = proj.value;
      if (!p) return [];
      return props.points.filter((x) => x.lat != null && x.lon != null).map((x) => {
        const [cx, cy] = p.fwd(x.lon, x.lat);
        return { ...x, cx, cy };
      });
    });
    const pinXY = computed(() => (proj.value && props.pin ? proj.value.fwd(props.pin.lon, props.pin.lat) : null));

    function svgPoint(ev) {
      const el = svg.value;
      if (!el || !proj.value) return null;
      const pt = el.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      const m = el.getScreenCTM();
      if (!m) return null;
      const q = pt.matrixTransform(m.inverse());
      return proj.value.inv(q.x, q.y);
    }
    function onClick(ev, s) {
      if (props.pick) {
        const ll = svgPoint(ev);
        if (ll) emit('pick', { lon: +ll[0].toFixed(6), lat: +ll[1].toFixed(6), unit: s ? s.u : null });
        return;
      }
      if (s) emit('drill', s.u);
    }
    function onKey(ev, s) {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        if (props.pick) {
          const c = centroid(s.u.boundary);
          if (c) emit('pick', { lon: +c[0].toFixed(6), lat: +c[1].toFixed(6), unit: s.u });
        } else emit('drill', s.u);
      }
    }
    return { upp, units, loading, error, svg, proj, shapes, dots, pinXY, onClick, onKey, hover, load, max, t };
  },
  template: `
  <div class="lx-map" :style="height ? { height } : null" data-test="grid-map">
    <div v-if="loading && !units.length" class="lx-map-msg"><van-loading size="24" /></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <div v-else-if="!proj" class="lx-map-msg">{{ t('map.no_boundary') }}</div>
    <svg v-else ref="svg" class="lx-map-svg" :class="{ 'lx-map-pick': pick }" :viewBox="'0 0 1000 ' + proj.H" preserveAspectRatio="xMidYMid meet"
         role="img" :aria-label="t('map.title')" @click="onClick($event, null)">
      <g class="lx-map-units">
        <path v-for="s in shapes" :key="s.u.id" :d="s.d" :fill="s.fill" class="lx-map-unit" :class="{ hover: hover === s.u.id }"
              :data-unit-id="s.u.id" :data-unit-name="s.u.name" :data-value="s.v" tabindex="0" role="button" :aria-label="s.u.name + (s.v != null ? ' ' + s.v : '')"
              fill-rule="evenodd" @click.stop="onClick($event, s)" @keydown="onKey($event, s)"
              @mouseenter="hover = s.u.id" @mouseleave="hover = null" />
      </g>
      <g class="lx-map-dots">
        <circle v-for="d in dots" :key="'d' + d.id" :cx="d.cx" :cy="d.cy" :r="(d.hot ? 4 : 3) * upp" :class="d.hot ? 'lx-dot-hot' : 'lx-dot'" />
      </g>
      <g class="lx-map-labels" pointer-events="none">
        <text v-for="s in shapes" :key="'t' + s.u.id" :x="s.lx" :y="s.ly" :font-size="s.font" text-anchor="middle" class="lx-map-label">
          <tspan :x="s.lx" dy="0">{{ s.u.name }}</tspan>
          <tspan v-if="s.v != null" :x="s.lx" :dy="s.font * 1.2" class="lx-map-count" :font-size="s.font * 1.15">{{ s.v }}</tspan>
        </text>
      </g>
      <g v-if="pinXY" class="lx-map-pin" pointer-events="none" :transform="'translate(' + pinXY[0] + ',' + pinXY[1] + ') scale(' + (upp * 0.75) + ')'">
        <path d="M0,0 C-6,-14 -16,-20 -16,-32 A16,16 0 1 1 16,-32 C16,-20 6,-14 0,0 Z" fill="#c8161d" stroke="#fff" stroke-width="3" />
        <circle cx="0" cy="-32" r="6" fill="#fff" />
      </g>
    </svg>
  </div>`,
};
