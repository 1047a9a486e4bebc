# PyTorch anchor for bench/classify.bench.ts: the paper's three-level chain with the same network (conv4),
# the same images (decoded and padded by pacsmine, read here as raw bytes), the same split, augmentation
# (random crop + horizontal flip; centre crop for testing), class-weighted loss, epochs, batch and learning
# rates (SGD momentum 0.9, weight decay 5e-4 on weights only; fine-tuned levels: new head 10x on weights,
# 20x on its bias). Prints one JSON line with each level's test top-1/top-5, training images/s and peak RSS.
# Arg: the spec JSON written by the bench.
import json, resource, sys, time, os
import numpy as np
import torch
import torch.nn as nn

spec = json.load(open(sys.argv[1]))
torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '2')))
torch.manual_seed(spec['seed'])
rng = np.random.default_rng(spec['seed'])
S, C = spec['imageSize'], spec['cropSize']
images = np.fromfile(spec['images'], dtype=np.uint8).reshape(-1, S, S)
batch = spec['batchSize']
device = spec.get('device', 'cpu')


def sync():
    if device != 'cpu':
        torch.cuda.synchronize()


def conv4(num_classes):
    layers, cin = [], 1
    for cout in (16, 32, 64, 128):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        cin = cout
    net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * (C // 16) * (C // 16), num_classes))
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            nn.init.zeros_(m.bias)
    return net


def crops(idx, train):
    out = np.empty((len(idx), 1, C, C), dtype=np.float32)
    for b, i in enumerate(idx):
        if train:
            top, left = rng.integers(0, S - C + 1), rng.integers(0, S - C + 1)
            img = images[i, top:top + C, left:left + C]
            if rng.random() < 0.5:
                img = img[:, ::-1]
        else:
            top = left = (S - C) // 2
            img = images[i, top:top + C, left:left + C]
        out[b, 0] = img / 255.0
    return torch.from_numpy(out).to(device)


results = {}
net = None
for level in spec['levels']:
    labels = np.array(level['labels'], dtype=np.int64)
    split = np.array(level['split'], dtype=np.int64)
    K = level['numClasses']
    weights = torch.tensor(level['classWeights'], dtype=torch.float32, device=device)
    train_idx = np.nonzero((split == 0) & (labels >= 0))[0]
    test_idx = np.nonzero((split == 2) & (labels >= 0))[0]
    if net is None:
        net = conv4(K).to(device)
        lr = spec['learningRate']
        groups = [{'params': [p for p in net.parameters() if p.dim() > 1], 'weight_decay': 5e-4, 'lr': lr},
                  {'params': [p for p in net.parameters() if p.dim() == 1], 'weight_decay': 0.0, 'lr': lr}]
    else:
        # The level above's body, a new head: 10x the base rate on its weights, 20x on its bias.
        head = nn.Linear(net[-1].in_features, K)
        nn.init.kaiming_normal_(head.weight, nonlinearity='relu')
        nn.init.zeros_(head.bias)
        head = head.to(device)
        net[-1] = head
        lr = spec['fineTuneLearningRate']
        body = list(net[:-1].parameters())
        groups = [{'params': [p for p in body if p.dim() > 1], 'weight_decay': 5e-4, 'lr': lr},
                  {'params': [p for p in body if p.dim() == 1], 'weight_decay': 0.0, 'lr': lr},
                  {'params': [head.weight], 'weight_decay': 5e-4, 'lr': 10 * lr},
                  {'params': [head.bias], 'weight_decay': 0.0, 'lr': 20 * lr}]
    opt = torch.optim.SGD(groups, lr=lr, momentum=0.9)
    net.train()
    seen, spent = 0, 0.0
    for epoch in range(level['epochs']):
        order = rng.permutation(train_idx)
        t = time.perf_counter()
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            x = crops(idx, True)
            y = torch.from_numpy(labels[idx]).to(device)
            opt.zero_grad(set_to_none=True)
            per = nn.functional.cross_entropy(net(x), y, reduction='none')
            # pacsmine's weighted loss: the mean over images of weight x cross-entropy (not divided by the weights' sum).
            loss = (per * weights[y]).mean() if level['weighted'] else per.mean()
            loss.backward()
            opt.step()
        sync()
        spent += time.perf_counter() - t
        seen += len(order)
    net.eval()
    top1 = top5 = 0
    with torch.no_grad():
        for s in range(0, len(test_idx), 256):
            idx = test_idx[s:s + 256]
            logits = net(crops(idx, False))
            y = torch.from_numpy(labels[idx]).to(device)
            ranks = (logits > logits.gather(1, y[:, None])).sum(1)
            top1 += int((ranks == 0).sum())
            top5 += int((ranks < 5).sum())
    net.train()
    results[level['level']] = {
        'top1': top1 / max(1, len(test_idx)), 'top5': top5 / max(1, len(test_idx)), 'test_images': int(len(test_idx)),
        'train_img_per_s': round(seen / spent, 2), 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
print(json.dumps({'torch': torch.__version__, 'device': device, 'threads': torch.get_num_threads(), 'levels': results}))
