"""Write the tutorial notebooks in notebooks/ from the cell lists below (outputs are added by
`make notebooks`, which executes them; nbval then compares every stored output).

Usage: python scripts/build_tutorials.py && make notebooks
(or ``python scripts/build_tutorials.py 01 07`` to rewrite only the tutorials named 01*, 07*)
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

SETUP = """import pandas as pd

import cloudgeo as cg
from cloudgeo import plotting

plotting.enable_offline_maps()  # maps draw with no network: the base map ships with cloudgeo"""

TUTORIALS: dict[str, list[tuple[str, str]]] = {}

TUTORIALS["01_global_infrastructure"] = [
    (
        "md",
        """# 1. The global infrastructure, then and now

**What this answers.** Where are AWS's regions, Availability Zones (AZs) and CloudFront edge
locations? The 2019 article this library retells counted 22 regions, each of at least two
(usually three) AZs, and more than 180 edge locations. Is that what the catalogue says for the
end of 2019, and how has the footprint grown since?

Every number below comes from the catalogue shipped with cloudgeo (`data/`, with sources in
`data/SOURCES.md`); `as_of=` travels back to any date.""",
    ),
    ("code", SETUP),
    ("md", "## The end of 2019"),
    (
        "code",
        """regions_2019 = cg.catalog.load_regions(as_of="2019-12-31")
print(len(regions_2019), "regions at the end of 2019")
print(regions_2019.groupby("partition").size().to_string())
print(regions_2019["az_count"].sum(), "AZs (AWS said 69 then; see data/SOURCES.md for the difference)")
az_counts = regions_2019["az_count"].value_counts().sort_index()
print("regions by AZ count:", ", ".join(f"{n} with {k}" for k, n in az_counts.items()))
print("two AZs:", ", ".join(regions_2019.index[regions_2019["az_count"] == 2]))""",
    ),
    (
        "code",
        """edges_2019 = cg.catalog.load_edge_locations(as_of="2019-12-31")
print(f"{edges_2019['pops'].sum()} edge PoPs in {len(edges_2019)} cities "
      f"(list of {edges_2019['snapshot'].iloc[0]:%Y-%m-%d})")""",
    ),
    ("md", "## Today"),
    (
        "code",
        """regions_now = cg.catalog.load_regions()
azs_now = cg.catalog.load_availability_zones()
edges_now = cg.catalog.load_edge_locations()
commercial = regions_now[regions_now["partition"] == "aws"]
print(len(regions_now), "regions in", regions_now["partition"].nunique(), "partitions;",
      len(commercial), "commercial with", commercial["az_count"].sum(), "AZs")
print(len(azs_now), "AZs listed one by one")
print(len(edges_now), "edge-location cities in the newest list")""",
    ),
    (
        "code",
        """# the regions opened since the end of 2019
new = regions_now[regions_now["opened"] > "2019-12-31"].sort_values("opened")
new[["name", "country", "opened", "az_count", "opt_in"]]""",
    ),
    ("md", "## Side by side on a map"),
    ("code", """plotting.plot_infrastructure_comparison(("2019-12-31", None))"""),
    ("md", "## The footprint, year by year"),
    (
        "code",
        """growth = pd.Series(
    {year: len(cg.catalog.load_regions(as_of=f"{year}-12-31")) for year in range(2006, 2026)},
    name="regions at year end",
)
print(growth.to_string())""",
    ),
    ("code", "plotting.plot_footprint_growth()"),
    ("md", "## A CloudFront log code"),
    (
        "code",
        """cg.catalog.lookup_edge_location(["IAD12", "FRA56-C1", "NRT20"])[["code", "city", "country", "lat", "lon", "listed"]]""",
    ),
    (
        "md",
        """## What to take away
- The catalogue reproduces the article's 2019 counts: 22 regions and more than 180 edge PoPs.
- The article's "at least two AZs, usually three" matches the end of 2019: one region
  (ca-central-1) had two until its third AZ opened in March 2020, most had three, a few four
  or six. Today's footprint is far larger. Every figure carries its source and date.""",
    ),
]

TUTORIALS["02_basic_setup_latency"] = [
    (
        "md",
        """# 2. Basic setup: one instance, and who gets what latency

**What this answers.** The simplest deployment is one EC2 instance in one region (Singapore
here), with Route 53 answering DNS. How fast is it for users around the world? Why is a user in
the Philippines, where there is no AZ, slower than one in Singapore? And how far are real
routes from the physics floor of light in straight fibre?

Two questions give two numbers for the Philippines user. This tutorial asks *"what does the
article's single instance in Singapore give?"*; the report's latency section asks *"how far is
the nearest region?"* (Hong Kong today), which is faster. Both are computed below.""",
    ),
    ("code", SETUP),
    (
        "code",
        """singapore = cg.catalog.get_regions(["ap-southeast-1"])
users = pd.DataFrame(
    {"lat": [14.5995, 1.2903], "lon": [120.9842, 103.8519]},
    index=["user in Manila (Philippines)", "user in Singapore"],
)
for model in ["physics", "rule-of-thumb", None]:
    res = cg.latency.user_latency(users, singapore, model=model)
    print(f"{model or 'calibrated (default)':>22}:", res["rtt_ms"].round(1).to_dict())""",
    ),
    (
        "code",
        """# the other question: the nearest region of all those open today (the report's number)
nearest = cg.latency.user_latency(users, cg.catalog.load_regions())
nearest[["site", "distance_km", "rtt_ms"]].round(1)""",
    ),
    (
        "md",
        """The calibrated model adds what the physics floor leaves out: routing off the great circle,
fixed overheads and, for end users, the **access term**: the last-mile round trip between a
user's device and its provider's network. It is fitted per country on RIPE Atlas pings (fixed,
fibre-class access by default; other technologies add the FCC's measured difference), and
users whose country's traffic meets the global backbone at a distant exchange (the ingress
hub) also pay that detour. Each user's country comes from a `country_code` column or, as here,
from the nearest shipped city.""",
    ),
    (
        "code",
        """for code in ["PH", "SG"]:
    print(code, "access: fibre", round(cg.latency.access_rtt_ms(code), 1), "ms, mobile",
          round(cg.latency.access_rtt_ms(code, technology="mobile"), 1), "ms; ingress hub:",
          cg.latency.ingress_hub(code) or "none (direct)")
cg.latency.path_breakdown((14.5995, 120.9842), "ap-southeast-1")""",
    ),
    ("md", "The backbone model's parameters and their sources:"),
    ("code", "cg.latency.get_model()"),
    (
        "md",
        """## The world's city dwellers against one region

The users are the shipped world cities weighted by population. They hold about half of the
world's population (the rest live in towns and villages too small for the table), so read
the shares below as shares of city dwellers.""",
    ),
    (
        "code",
        """cities = cg.population.load_world_cities()
world = cg.population.load_country_population()["population"].sum()
city_people = cities["population"].sum()
print(f"{len(cities):,} cities holding {city_people / 1e9:.2f} billion people, "
      f"{city_people / world:.0%} of the world's {world / 1e9:.2f} billion")
one_region = cg.latency.user_latency(cities, singapore)
summary = cg.latency.latency_summary(one_region, thresholds_ms=(20, 50, 100, 200))
print(summary.drop(["n_rows", "total_weight"]).round(3).to_string())""",
    ),
    ("code", "plotting.plot_user_latency_map(one_region, users=cities, sites=singapore, max_points=1500)"),
    ("md", "## How far from the physics floor are real routes?"),
    (
        "code",
        """pairs = [("ap-southeast-1", "ap-northeast-1"), ("ap-southeast-1", "eu-west-1"),
         ("us-east-1", "eu-west-1"), ("us-east-1", "sa-east-1"), ("eu-central-1", "ap-south-1")]
src, dst = zip(*pairs)
floor = cg.latency.region_rtt_ms(list(src), list(dst), model="physics")
modelled = cg.latency.region_rtt_ms(list(src), list(dst))
pd.DataFrame({"physics floor [ms]": floor.round(1), "calibrated p50 [ms]": modelled.round(1),
              "ratio": (modelled / floor).round(2)}, index=[f"{a} -> {b}" for a, b in pairs])""",
    ),
    (
        "md",
        """## What to take away
- One region serves its neighbourhood well and the rest of the world slowly: latency grows with
  distance, and no route beats the physics floor.
- A user with no AZ nearby pays for the distance to the region serving them: the nearest one
  at best (the report's number), the article's Singapore instance here; the last mile adds to
  every request.""",
    ),
]

TUTORIALS["03_measurements_and_model"] = [
    (
        "md",
        """# 3. Measurements and the model

**What this answers.** How close is cloudgeo's latency model to measured inter-region round
trips, and how do you bring your own measurements (cloudping.co, gcping) and recalibrate?

The model was fitted on cloudping.co and EC2-ping measurements between the regions that existed
at the end of 2019 (see `data/SOURCES.md`). Below, a small cloudping-format file
(`notebooks/data/cloudping_sample.json`: a few p50 figures from cloudping.co's public one-year
window to 2025-07-16) stands in for your own measurements.""",
    ),
    ("code", SETUP),
    (
        "code",
        """measured = cg.measurements.read_cloudping_json("data/cloudping_sample.json", stat="p50")
print(len(measured), "measured pairs;", measured["method"].iloc[0], measured["stat"].iloc[0],
      "one-way" if measured["one_way"].iloc[0] else "round trip")
measured.head()""",
    ),
    (
        "code",
        """comparison = cg.latency.compare_with_measurements(measured)
print(comparison[["measured_ms", "modelled_ms", "error_pct"]].round(1).head(10).to_string())
print("median |error| %:", comparison["error_pct"].abs().median().round(1))""",
    ),
    (
        "code",
        """regions = sorted(set(measured["src"]) | set(measured["dst"]))
modelled = cg.latency.rtt_matrix_ms(regions)
matrix = measured.pivot(index="src", columns="dst", values="rtt_ms").reindex(index=regions, columns=regions)
plotting.plot_rtt_matrix(modelled, measured=matrix)""",
    ),
    ("md", "## Recalibrate on your own measurements"),
    (
        "code",
        """fit = cg.latency.calibrate(measured)
print("fitted stretch:", round(fit.model.stretch, 3), " overhead:", round(fit.model.overhead_ms, 2), "ms")
print(fit.residuals.round(2).to_string())""",
    ),
    (
        "md",
        """**Reading the fitted stretch.** The model routes every path over the shipped backbone
(cables and terrestrial routes) before it applies the stretch, so the detour of real routes is
mostly in the distance already. A stretch close to 1 therefore says the routed distances
explain these measurements with little extra detour; a stretch well above 1 would say your
network takes longer paths than the backbone (and the overhead absorbs the fixed costs, such
as switching and the measuring hosts). With a handful of pairs, treat the fit as a check, not
a new model: the shipped calibration used every pair between the 2019 regions.""",
    ),
    (
        "md",
        """## End users: access, ingress hubs and detours

Between data centres the backbone model is enough; end users add two things. Their **access**
(the last mile) differs by country and technology, and their traffic meets the global backbone
at an **ingress hub** that is not always nearby: traffic between neighbours in Central Asia or
Africa often goes via Dubai, Moscow or Marseille. cloudgeo's end-user model fits both per country
on RIPE Atlas pings between countries (RIPE NCC; `data/SOURCES.md`). Below, 40 of those pairs
(`notebooks/data/ripe_country_pairs_sample.csv`, attribution: RIPE NCC, RIPE Atlas) against the
model: they were part of its training data, so this is an in-sample view; the
cross-validated errors are printed by `benchmarks/bench_latency_accuracy.py`.""",
    ),
    (
        "code",
        """pairs = pd.read_csv("data/ripe_country_pairs_sample.csv", keep_default_na=False, na_values=[""])
pairs["modelled_ms"] = cg.latency.country_rtt_ms(pairs["cty1"], pairs["cty2"])
pairs["error_pct"] = 100 * (pairs["modelled_ms"] - pairs["rtt_mean_ms"]) / pairs["rtt_mean_ms"]
print("median |error| %:", pairs["error_pct"].abs().median().round(1))
pairs.round(1).head(12)""",
    ),
    (
        "code",
        """hubs = cg.latency.ingress_table()
detours = hubs[hubs["hub"] != ""]
print(len(detours), "of", len(hubs), "countries enter the backbone at a distant hub")
print("AF ->", cg.latency.ingress_hub("AF"), "  TJ ->", cg.latency.ingress_hub("TJ"),
      "  CZ ->", cg.latency.ingress_hub("CZ"))
detours[["continent", "hub", "hub_name", "access_ms", "n_pairs"]].sort_values(["hub", "continent"]).head(15)""",
    ),
    (
        "code",
        """import plotly.graph_objects as go

backbone_hubs = cg.network.load_backbone().hubs
fig = go.Figure()
for code, r in detours.dropna(subset=["lat"]).iterrows():
    h = backbone_hubs.loc[r["hub"]]
    fig.add_trace(go.Scattergeo(lat=[r["lat"], h["lat"]], lon=[r["lon"], h["lon"]], mode="lines",
                                line={"width": 1}, showlegend=False, hoverinfo="text",
                                text=f"{code} -> {r['hub_name']}"))
fig.update_layout(title="Detours: where each country's traffic meets the backbone",
                  geo={"projection": {"type": "natural earth"}}, height=450)
fig""",
    ),
    (
        "md",
        """What each term costs: a user in Nairobi reaching Cape Town (af-south-1) and Ireland
(eu-west-1). The `hub` column is where Kenya's traffic meets the backbone (fitted: most of
Kenya's pairs fit best via London), so the model sends Kenyan traffic to Cape Town via Europe
and Cape Town comes out farther away in time than Ireland. That is the limit of one hub per
country: hosting servers measured Johannesburg-Nairobi at 201 ms in 2020 (WonderNetwork, via
Europe), but the RIPE Atlas pairs of 2025 average 79 ms between Kenya and South Africa, so
many paths now go direct. A user and a site in the *same* country never detour: the shorter of
the direct and the hub route (the Johannesburg row).""",
    ),
    (
        "code",
        """import dataclasses

nairobi, johannesburg = (-1.2864, 36.8172), (-26.2041, 28.0473)
cases = {"Nairobi -> af-south-1": (nairobi, "af-south-1", "KE"),
         "Nairobi -> eu-west-1": (nairobi, "eu-west-1", "KE"),
         "Johannesburg -> af-south-1": (johannesburg, "af-south-1", "ZA")}
terms = pd.DataFrame([dataclasses.asdict(cg.latency.path_breakdown(u, r, country=c))
                      for u, r, c in cases.values()], index=list(cases))
terms[["hub", "access_ms", "to_hub_ms", "backbone_ms", "far_end_ms", "total_ms", "distance_km"]].round(1)""",
    ),
    (
        "md",
        """Your own RIPE Atlas measurements: `cg.read_ripe_atlas(results, probes=...)` reads ping
results (the API's JSON list or the daily dumps' NDJSON, parsed with RIPE's `ripe.atlas.sagan`)
joined to the probe archive into the same tidy table, ready for `calibrate`.""",
    ),
    (
        "md",
        """## What to take away
- The calibrated model follows the real backbone, so it lands within a few per cent of
  measured round trips; the physics floor is a bound, not a forecast.
- Your own measurements read into one tidy table (`src, dst, rtt_ms, stat, method, one_way`),
  and `calibrate` refits the model's free parameters on them.
- End users pay an access term that depends on their country and technology, and in many
  countries a detour to a distant ingress hub: `path_breakdown` shows each term.""",
    ),
]

TUTORIALS["04_high_availability"] = [
    (
        "md",
        """# 4. High availability: the four architectures

**What this answers.** How available is each step of the article's architecture: one instance;
the app on EC2 with the data in RDS; a load balancer with instances across AZs and a standby
database; two regions behind Route 53 failover? What does each added piece buy, where are the
single points of failure, and does a Monte Carlo simulation agree with the exact algebra?""",
    ),
    (
        "code",
        "import pandas as pd\n\nimport cloudgeo as cg\nfrom cloudgeo import availability as av\nfrom cloudgeo import plotting",
    ),
    (
        "code",
        """print("three 99.99 % dependencies in series:", round(av.series(0.9999, 0.9999, 0.9999).availability, 8))
print("two 99.9 % components in parallel:   ", round(av.parallel(0.999, 0.999).availability, 8))
print("99.9 % allows", av.format_duration(av.downtime(0.999)), "of downtime a year (365.2425 days)")""",
    ),
    (
        "code",
        """# multi_az() uses cloudgeo's default of 2 AZs (as the report does); 3 AZs is compared below
presets = [av.single_instance(), av.app_and_rds(), av.multi_az(), av.multi_region()]
table = av.compare_architectures(*presets)
table""",
    ),
    (
        "code",
        """three = av.multi_az(az_count=3)
print(f"multi-AZ over 2 AZs: {presets[2].availability:.6f}; over 3 AZs: {three.availability:.6f} "
      "(the shared load balancer, database and region limit it, not the instances)")""",
    ),
    ("code", "plotting.plot_availability(table)"),
    ("md", "## Single points of failure and importance"),
    (
        "code",
        """for result in presets:
    print(f"{result.title}: single points of failure = {', '.join(result.single_points_of_failure) or 'none'}")""",
    ),
    ("code", "av.importance(presets[2]).round(6).head(8)"),
    ("md", "## Shared failure domains: two replicas in one AZ are not independent"),
    (
        "code",
        """az = av.Domain("az-a", availability=0.9995)
same_az = av.parallel(av.Component(availability=0.995, name="web-1", domains=(az,)),
                      av.Component(availability=0.995, name="web-2", domains=(az,)))
az_b = av.Domain("az-b", availability=0.9995)
two_azs = av.parallel(av.Component(availability=0.995, name="web-1", domains=(az,)),
                      av.Component(availability=0.995, name="web-2", domains=(az_b,)))
print("both replicas in one AZ:", round(same_az.availability, 9))
print("one replica per AZ:    ", round(two_azs.availability, 9))""",
    ),
    ("md", "## A Monte Carlo check of the exact values"),
    (
        "code",
        """checks = pd.DataFrame(
    [{"architecture": r.title, "exact": r.availability, "simulated": mc.availability,
      "ci_low": mc.ci_low, "ci_high": mc.ci_high, "agrees": mc.agrees}
     for r in presets for mc in [av.monte_carlo(r, years=1.0, n_runs=2000, seed=7)]]
)
checks.round(6)""",
    ),
    (
        "md",
        """## What to take away
- Redundancy multiplies *unavailabilities*: a second instance in another AZ turns hours of
  yearly downtime into minutes, and a standby database and a second region go further.
- Shared failure domains (an AZ, a region) cap what redundancy buys; cloudgeo evaluates them
  exactly instead of assuming independence, and the Monte Carlo check agrees.""",
    ),
]

TUTORIALS["05_durability"] = [
    (
        "md",
        """# 5. Durability: what eleven nines mean for your objects

**What this answers.** S3 Standard is designed for 99.999999999 % annual durability. The
article says that storing 10 million objects you can expect to lose one every 10,000 years. Is
that right, what does it mean for your object count and horizon, how do the storage classes
compare, what happens to One Zone classes if an AZ is destroyed, and why does the choice of
erasure-coding model matter?""",
    ),
    (
        "code",
        "import numpy as np\nimport pandas as pd\n\nimport cloudgeo as cg\nfrom cloudgeo import durability as du\nfrom cloudgeo import plotting",
    ),
    (
        "code",
        """seed = du.expected_losses(objects=10_000_000, durability=0.99999999999, years=1)
print("expected losses a year:", f"{seed.expected_losses:.4g}")
print("one loss every", round(seed.mean_years_between_losses), "years")
print("probability of losing at least one object in a year:", f"{seed.probability_any_loss:.5e}")
print("nines:", seed.nines)""",
    ),
    (
        "code",
        """mine = du.expected_losses(objects=2_500_000_000, storage_class="s3-standard", years=10)
mine""",
    ),
    ("md", "## The storage classes compared"),
    (
        "code",
        """classes = cg.catalog.load_storage_classes()
classes[["service", "name", "durability", "designed_availability", "az_count"]]""",
    ),
    ("code", "plotting.plot_durability()"),
    ("md", "## One Zone classes and the loss of an AZ"),
    (
        "code",
        """one_zone = du.one_zone_loss(objects=10_000_000, storage_class="s3-one-zone-ia",
                            az_loss_probability_per_year=1e-4)
print("dominant term:", one_zone.dominant_term)
print("expected losses a year from devices:", f"{one_zone.expected_losses_from_devices:.3g}")
print("expected losses a year from AZ loss:", f"{one_zone.expected_losses_from_az:.3g}")
print("objects lost if the AZ is lost:", f"{one_zone.expected_losses_if_az_lost:,.0f}")""",
    ),
    ("md", "## Erasure coding: the model is part of the answer"),
    (
        "code",
        """rows = []
for model in ["backblaze", "markov-parallel", "markov-serial"]:
    r = du.erasure_coding_loss(data_shards=17, parity_shards=3, shard_failure_rate_per_year=0.00405,
                               replace_days=6.5, model=model)
    rows.append({"model": model, "loss probability a year": f"{r.loss_probability_per_year:.4g}",
                 "nines": r.nines})
pd.DataFrame(rows)""",
    ),
    (
        "md",
        """## What to take away
- Eleven nines is a loss probability of 1e-11 per object and year: 10 million objects lose one
  every 10,000 years on average, exactly as the article says.
- One Zone classes add the loss of their AZ, a term AWS publishes no figure for; at any
  plausible AZ-loss probability it dominates the device term by orders of magnitude.
- The same 17+3 code gives losses 4x and 24x apart under the three named models: always say
  which model a durability figure comes from.""",
    ),
]

TUTORIALS["06_volume_cdn"] = [
    (
        "md",
        """# 6. Volume: static content through CloudFront

**What this answers.** The article moves static content to S3 and serves it from edge locations.
What does that buy users around the world compared with fetching from the origin region, how
do cache hit ratios change it, and what does the regional edge cache add?""",
    ),
    ("code", SETUP),
    (
        "code",
        """cities = cg.population.load_world_cities()
cdn = cg.latency.cdn_ttfb_ms(cities, "us-east-1", edge_hit_ratio=0.9, rec_hit_ratio=0.8, tls="1.3")
cg.latency.cdn_summary(cdn).drop(["n_rows", "total_weight"]).round(3)""",
    ),
    (
        "code",
        """results = {
    "origin only (us-east-1)": cdn.assign(rtt_ms=cdn["direct_ttfb_ms"]),
    "CloudFront, 90 % edge hits": cdn.assign(rtt_ms=cdn["ttfb_ms"]),
}
plotting.plot_latency_cdf(results, thresholds_ms=(100, 200, 400), title="Time to first byte, world population")""",
    ),
    ("md", "## Cache hit ratios"),
    (
        "code",
        """rows = []
for edge_hit in [0.0, 0.5, 0.8, 0.9, 0.99]:
    r = cg.latency.cdn_ttfb_ms(cities, "us-east-1", edge_hit_ratio=edge_hit, rec_hit_ratio=0.8)
    s = cg.latency.cdn_summary(r)
    rows.append({"edge hit ratio": edge_hit, "p50 TTFB [ms]": round(s.loc["p50_ms", "cdn"], 1),
                 "p90 TTFB [ms]": round(s.loc["p90_ms", "cdn"], 1)})
pd.DataFrame(rows)""",
    ),
    ("md", "## The regional edge caches"),
    (
        "code",
        """recs = cg.catalog.load_regional_edge_caches()
print(len(recs), "regional edge caches")
recs""",
    ),
    (
        "md",
        """## What to take away
- TLS and TCP set-up happen with the nearest edge, so even a cache miss is faster than a new
  connection to a distant origin; hits make the difference large.
- The regional edge cache catches many edge misses before they cross an ocean.""",
    ),
]

TUTORIALS["07_placement"] = [
    (
        "md",
        """# 7. Where to place the app

**What this answers.** Which regions, and how many, serve a user population best? The world's
population first, then a company's own users; the diminishing returns of adding regions; and
what users see when one chosen region fails (N-1).""",
    ),
    ("code", SETUP),
    (
        "code",
        """cities = cg.population.load_world_cities()
candidates = cg.catalog.load_regions(partitions=["aws"])
best = cg.placement.optimize_placement(cities, candidates, 3, objective="mean")
print("best 3 regions for the world's population:", best.sites)
print("population-weighted mean RTT:", round(best.objective_value, 1), "ms; proven gap:", best.gap)""",
    ),
    ("code", "plotting.plot_placement(best, cities, candidates, max_points=1500)"),
    ("md", "## Diminishing returns"),
    (
        "code",
        """frontier = cg.placement.placement_frontier(cities, candidates, 6)
frontier.round(1)""",
    ),
    ("code", "plotting.plot_placement_frontier(frontier)"),
    ("md", "## N-1: when a chosen region fails"),
    ("code", "best.failover.round(1)"),
    ("md", "## Your own users"),
    (
        "code",
        """my_users = cg.population.country_weights({"DE": 40, "FR": 20, "GB": 15, "US": 15, "BR": 10})
mine = cg.placement.optimize_placement(my_users, candidates, 2, objective="p90")
print("best 2 regions for these users:", mine.sites, "- p90 RTT", round(mine.objective_value, 1), "ms")""",
    ),
    (
        "md",
        """## A percentile objective looks at one user only

A p90 objective minimises the RTT of the user at the 90th percentile and nobody else's. Two
mixes of the same countries show both sides of that. With 8 % of the users in Japan, they lie
beyond the 90th percentile, so the p90 answer ignores them (the same region as the mean's, Japan
left where it is). With 10 %, the 90th percentile falls on them, and the p90 answer moves the
one region west, raising the US users' RTT (here from about 49 to 68 ms) to bring the Japanese
down. The table and
the figure give each user group's mean RTT under each answer: pick the objective that matches
the promise you make (a mean for typical users, a percentile for "9 in 10 users within X").""",
    ),
    (
        "code",
        """import plotly.graph_objects as go

rows = {}
for japan in (0.08, 0.10):
    mix = cg.population.country_weights({"US": 1 - japan, "JP": japan})
    group = mix["country_code"]
    for obj in ("mean", "p90"):
        res = cg.placement.optimize_placement(mix, candidates, 1, objective=obj)
        per_group = (res.rtt_ms * mix["weight"]).groupby(group).sum() / mix["weight"].groupby(group).sum()
        rows[(f"Japan {japan:.0%}", obj)] = {"region": res.sites[0], "US users [ms]": round(per_group["US"], 1),
                                             "JP users [ms]": round(per_group["JP"], 1)}
table = pd.DataFrame(rows).T
table.index.names = ["mix", "objective"]
print(table.to_string())
fig = go.Figure()
for obj in ("mean", "p90"):
    r = table.loc[("Japan 10%", obj)]
    fig.add_trace(go.Bar(x=["users in the US", "users in Japan"], y=[r["US users [ms]"], r["JP users [ms]"]],
                         name=f"best for the {obj}: {r['region']}"))
fig.update_layout(barmode="group", height=360, yaxis_title="mean RTT of the group [ms]",
                  title="One region for US 90 % + Japan 10 %: each objective's answer",
                  legend={"orientation": "h", "y": -0.15})
fig""",
    ),
    (
        "md",
        """## Explore

The explorer starts with the exact solver, the same proven optimum as above. Switch it to
greedy to see how far the fast heuristic lands from the optimum (its gap is in the caption).
The coverage threshold appears for the coverage objective only; the Users control also offers
country mixes, and `widgets.placement_explorer(my_users)` starts on your own users.""",
    ),
    ("code", "from cloudgeo import widgets\n\nwidgets.placement_explorer()"),
    (
        "md",
        """## What to take away
- The first few regions buy most of the latency; after four or five each new region helps
  only a few users.
- The best set of k regions is not the best set of k-1 plus one: optimise, do not accumulate.""",
    ),
]

TUTORIALS["08_elasticity"] = [
    (
        "md",
        """# 8. Elasticity: an alarm, a policy, and a surge

**What this answers.** The article's CloudWatch alarm (average CPU above 80 %) triggers an
AutoScaling policy that adds 30 % capacity. How does that cope with a sudden surge and with a
seasonal decline, compared with target tracking, in cost (instance-hours) and unserved demand?

A policy that only adds capacity never gives it back, so cloudgeo's `StepScalingPolicy` also
has the scale-in half: a second alarm, average CPU below 30 % for 15 periods, removes 20 % of
the capacity, and a cooldown follows every action. `scale_in_threshold=None` switches it off
for comparison.""",
    ),
    ("code", "import pandas as pd\n\nimport cloudgeo as cg\nfrom cloudgeo import plotting, scaling"),
    (
        "code",
        """surge = scaling.surge_demand("2019-07-01", days=1, base_rps=400, multiple=4, surge_after_s=10 * 3600,
                             ramp_s=1800, surge_duration_s=6 * 3600, seed=1)  # 10:00 to 16:00
fleet = scaling.Fleet(capacity_per_instance=100, min_size=2, max_size=40, initial_size=6, warmup_s=300)
policies = {
    "step (80 % alarm +30 %, 30 % alarm -20 %)": scaling.StepScalingPolicy(),
    "step, scale-out only": scaling.StepScalingPolicy(scale_in_threshold=None),
    "target tracking (60 %)": scaling.TargetTrackingPolicy(target_utilisation=0.6),
}
runs = {label: scaling.simulate_autoscaling(surge, p, fleet=fleet) for label, p in policies.items()}
pd.DataFrame({label: r.summary.to_series() for label, r in runs.items()}).T[
    ["instance_hours", "unserved_share", "mean_utilisation", "scale_out_actions", "scale_in_actions",
     "min_instances", "max_instances"]
].infer_objects().round(3)""",
    ),
    ("code", "plotting.plot_autoscaling_comparison(runs)"),
    ("md", "## A seasonal decline"),
    (
        "code",
        """decline = scaling.seasonal_decline_demand("2019-09-01", days=28, initial_rps=1500, seed=2)
rows = {}
for label, policy in policies.items():
    s = scaling.simulate_autoscaling(decline, policy, fleet=fleet).summary
    rows[label] = {"instance-hours": round(s.instance_hours, 1), "unserved share": round(s.unserved_share, 4),
                   "min instances": s.min_instances, "max instances": s.max_instances}
pd.DataFrame(rows).T""",
    ),
    (
        "md",
        """## What to take away
- A step policy reacts only after its evaluation periods and the new instances' warm-up, so a
  fast surge leaves some demand unserved; target tracking reacts in proportion.
- Scale-in decides the bill: without its low alarm the step policy keeps the surge's
  instances (compare the instance-hours), and on a decline capacity that is not released is
  paid for.""",
    ),
]


def build(names: list[str] | None = None) -> list[Path]:
    """Write the tutorial notebooks (all, or those whose name starts with one of ``names``)."""
    written = []
    for name, cells in TUTORIALS.items():
        if names and not any(name.startswith(n) for n in names):
            continue
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nb.metadata["language_info"] = {"name": "python"}
        for kind, source in cells:
            cell = (
                nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
            )
            cell.pop("id", None)
            nb.cells.append(cell)
        nbformat.validator.normalize(nb)
        path = NOTEBOOKS / f"{name}.ipynb"
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    for p in build(sys.argv[1:]):
        print("wrote", p)
