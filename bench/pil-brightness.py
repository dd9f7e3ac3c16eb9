#!/usr/bin/python3
"""PIL baseline for bench/adjust-throughput.ts.

For each image, in one process, one after the other (what a simple PIL script does):
    img = Image.open(path); ImageEnhance.Brightness(img).enhance(0.85).save(out, quality=90)
Prints one JSON line: {"total": seconds, "times": [seconds per image], "processes": n}.

--processes N runs the same work in N worker processes (multiprocessing.Pool), for comparison
with a PIL setup that also uses every core.

--dump DIR (not timed, after the timed run) writes the first image's decoded pixels and its
enhanced pixels as DIR/pil-decoded.png and DIR/pil-enhanced.png, so the benchmark can check that
the engine produced exactly PIL's pixels before JPEG encoding.
"""
import argparse
import json
import os
import sys
import time

from PIL import Image, ImageEnhance


def enhance_one(job):
    path, out, factor = job
    started = time.perf_counter()
    img = Image.open(path)
    ImageEnhance.Brightness(img).enhance(factor).save(out, quality=90)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('images', nargs='+')
    parser.add_argument('--out', required=True, help='folder for the JPEGs PIL writes')
    parser.add_argument('--factor', type=float, default=0.85)
    parser.add_argument('--processes', type=int, default=1)
    parser.add_argument('--dump', help='folder for pil-decoded.png and pil-enhanced.png of the first image')
    args = parser.parse_args()

    jobs = [(path, os.path.join(args.out, 'pil-%d.jpg' % i), args.factor) for i, path in enumerate(args.images)]
    started = time.perf_counter()
    if args.processes > 1:
        import multiprocessing

        with multiprocessing.Pool(args.processes) as pool:
            times = pool.map(enhance_one, jobs, chunksize=1)
    else:
        times = [enhance_one(job) for job in jobs]
    total = time.perf_counter() - started
    print(json.dumps({'total': total, 'times': times, 'processes': args.processes}))
    sys.stdout.flush()

    if args.dump:
        img = Image.open(args.images[0])
        img.load()
        img.save(os.path.join(args.dump, 'pil-decoded.png'), compress_level=1)
        ImageEnhance.Brightness(img).enhance(args.factor).save(os.path.join(args.dump, 'pil-enhanced.png'), compress_level=1)


if __name__ == '__main__':
    main()
