//! Small numerical helpers for the advice algorithms: the normal distribution, Pearson's r and least squares on a simplex.

/// The two-sided 95% quantile of the standard normal distribution.
pub(crate) const Z_95: f64 = 1.959_963_984_540_054;

/// The complementary error function, with a fractional error below 1.2e-7
/// everywhere (the Chebyshev fit of Numerical Recipes' `erfcc`): ample for
/// p-values compared against 0.05.
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let tail = t * poly.exp();
    if x >= 0.0 { tail } else { 2.0 - tail }
}

/// The two-sided p-value of a statistic that is standard normal under the null hypothesis.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// Whether a series has no variance worth the name (all values equal up to
/// rounding dust).
pub(crate) fn is_constant(values: &[f64]) -> bool {
    let (lo, hi) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    values.is_empty() || hi - lo <= 1e-12 * hi.abs().max(lo.abs()).max(1.0)
}

/// Pearson's correlation of two equally long series, or `None` when either is
/// constant or there are fewer than two pairs.
pub(crate) fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 || is_constant(&x[..n]) || is_constant(&y[..n]) {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(&x[..n]), mean(&y[..n]));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// Euclidean projection of `v` onto the scaled simplex `{w ≥ 0, Σw = total}`
/// (the sort-based algorithm of Duchi et al., 2008).
pub(crate) fn project_to_simplex(v: &[f64], total: f64) -> Vec<f64> {
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut cumulative = 0.0;
    let mut theta = 0.0;
    for (i, u) in sorted.iter().enumerate() {
        cumulative += u;
        let candidate = (cumulative - total) / (i + 1) as f64;
        if u - candidate > 0.0 {
            theta = candidate;
        }
    }
    v.iter().map(|x| (x - theta).max(0.0)).collect()
}

/// Most iterations of the simplex least-squares solver.
const MAX_ITERATIONS: usize = 50_000;

/// Minimises `Σ_t (Σ_c w_c x_tc − y_t)² + ridge · ‖w − start‖²` over the scaled
/// simplex `{w ≥ 0, Σw = total}`.
///
/// Accelerated projected gradient (FISTA) with a function-value restart, a
/// step of 1 / (2 · trace of the Gram matrix), which bounds the gradient's
/// Lipschitz constant, starting from `start` projected onto the simplex. The
/// problem is convex, so the result is the global minimum up to the stopping
/// tolerance. The ridge pull toward `start` makes the minimum unique when the
/// readings cannot tell two components apart.
pub(crate) fn least_squares_on_simplex(
    rows: &[Vec<f64>],
    targets: &[f64],
    start: &[f64],
    total: f64,
    ridge: f64,
) -> Vec<f64> {
    let k = start.len();
    if k == 0 {
        return Vec::new();
    }
    // Gram matrix Q = XᵀX + ridge·I and linear term b = Xᵀy + ridge·start.
    let mut gram = vec![vec![0.0; k]; k];
    let mut linear: Vec<f64> = start.iter().map(|s| ridge * s).collect();
    for (row, y) in rows.iter().zip(targets) {
        for i in 0..k {
            linear[i] += row[i] * y;
            for j in 0..k {
                gram[i][j] += row[i] * row[j];
            }
        }
    }
    for (i, line) in gram.iter_mut().enumerate() {
        line[i] += ridge;
    }
    let objective = |w: &[f64]| -> f64 {
        let mut quad = 0.0;
        for i in 0..k {
            for j in 0..k {
                quad += w[i] * gram[i][j] * w[j];
            }
        }
        quad - 2.0 * w.iter().zip(&linear).map(|(a, b)| a * b).sum::<f64>()
    };
    let gradient = |w: &[f64]| -> Vec<f64> {
        (0..k).map(|i| 2.0 * ((0..k).map(|j| gram[i][j] * w[j]).sum::<f64>() - linear[i])).collect()
    };
    let trace: f64 = (0..k).map(|i| gram[i][i]).sum();
    if trace <= 0.0 {
        return project_to_simplex(start, total);
    }
    let step = 1.0 / (2.0 * trace);
    let mut x = project_to_simplex(start, total);
    let mut y = x.clone();
    let mut momentum = 1.0f64;
    let mut value = objective(&x);
    for _ in 0..MAX_ITERATIONS {
        let g = gradient(&y);
        let moved: Vec<f64> = y.iter().zip(&g).map(|(a, b)| a - step * b).collect();
        let next = project_to_simplex(&moved, total);
        let next_value = objective(&next);
        let change = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        if next_value > value {
            if momentum == 1.0 {
                // A plain step from the last iterate does not descend: it is
                // the minimum up to rounding (restarting again would loop).
                break;
            }
            // Momentum overshot: restart from the last iterate.
            y = x.clone();
            momentum = 1.0;
            continue;
        }
        let next_momentum = (1.0 + (1.0 + 4.0 * momentum * momentum).sqrt()) / 2.0;
        let beta = (momentum - 1.0) / next_momentum;
        y = next.iter().zip(&x).map(|(n, o)| n + beta * (n - o)).collect();
        momentum = next_momentum;
        x = next;
        value = next_value;
        if change < 1e-12 * total.max(1.0) {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_793).abs() < 1e-7);
        assert!((two_sided_p(Z_95) - 0.05).abs() < 1e-6);
    }

    #[test]
    fn pearson_detects_sign_and_refuses_constants() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&x, &[2.0, 4.0, 6.0, 8.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &[8.0, 6.0, 4.0, 2.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[3.0; 4]), None);
    }

    #[test]
    fn projection_lands_on_the_simplex() {
        let w = project_to_simplex(&[10.0, -3.0, 30.0], 25.0);
        assert!((w.iter().sum::<f64>() - 25.0).abs() < 1e-12);
        assert!(w.iter().all(|x| *x >= 0.0));
        assert_eq!(project_to_simplex(&[5.0, 20.0], 25.0), vec![5.0, 20.0]);
    }

    #[test]
    fn simplex_least_squares_recovers_planted_weights() {
        // Three features, weights (5, 15, 5), no noise.
        let truth = [5.0, 15.0, 5.0];
        let rows: Vec<Vec<f64>> = (0..30)
            .map(|t| {
                let t = t as f64;
                vec![(t * 0.37).sin().abs(), (t * 0.11).cos().abs(), (t * 0.23 + 1.0).sin().abs()]
            })
            .collect();
        let targets: Vec<f64> = rows.iter().map(|r| r.iter().zip(&truth).map(|(a, b)| a * b).sum()).collect();
        let w = least_squares_on_simplex(&rows, &targets, &[8.0, 8.0, 9.0], 25.0, 1e-9);
        for (a, b) in w.iter().zip(&truth) {
            assert!((a - b).abs() < 1e-3, "{w:?}");
        }
    }
}
